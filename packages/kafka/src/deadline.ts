/**
 * Bounds on waiting for Kafka. A broker that is stopped refuses connections and kafkajs fails fast;
 * one that is frozen (SIGSTOP, a hung VM, a black-holed route) accepts them and never answers, and
 * kafkajs then waits out request timeouts and retries — a `disconnect()` alone took 25 s here. Start-up,
 * shutdown and health checks wait for such work only this long; the work is left to finish (or fail)
 * on its own, and whatever it would have returned is ignored.
 */

/** Resolves true if `work` settles (either way) within `ms`, false if it is still running then. */
export async function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, ms, false);
    timer.unref();
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** `work`'s outcome if it settles within `ms`; else rejects with "Kafka did not answer within `ms` ms". */
export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Kafka did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
