/** A wait that took longer than it was given. */
export class DeadlineExceededError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${Math.max(0, Math.round(ms))} ms`);
    this.name = 'DeadlineExceededError';
  }
}

/**
 * `promise`, or a {@link DeadlineExceededError} after `ms` (at once when `ms` ≤ 0, unless `promise`
 * has already settled). For I/O that may neither fail nor finish, such as a query to a frozen
 * database: the caller stops waiting; the operation itself carries on.
 */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(what, ms)), Math.max(0, ms));
    timer.unref();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
