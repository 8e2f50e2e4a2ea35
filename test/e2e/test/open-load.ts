/** One request of an {@link OpenLoad}, as its client saw it. */
export interface LoadAnswer {
  /** When it was due to be sent (its schedule), Unix ms. */
  readonly due: number;
  readonly status: number;
  /** From its due time to its answer: a late send counts against the platform (coordinated omission). */
  readonly latencyMs: number;
  readonly version: string;
  readonly what: string;
  readonly problem?: string;
}

/** One kind of request of the mix. */
export interface LoadRequest {
  readonly what: string;
  readonly path: string;
  readonly method: string;
  readonly body?: unknown;
  /** The status that counts as success. */
  readonly ok: number;
}

/**
 * Requests on a fixed schedule (an open model, as `npm run load` sends them): `rate` a second
 * whatever the answers, each with a deadline of `timeoutMs`. Anything but the expected status, or no
 * answer in time, is a failure. Each request carries one of `users` user ids, so a canary gets its
 * sticky share of them.
 */
export class OpenLoad {
  readonly answers: LoadAnswer[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timer: NodeJS.Timeout;
  private readonly started = Date.now();
  private sent = 0;

  constructor(
    private readonly gatewayUrl: string,
    private readonly options: {
      readonly rate: number;
      readonly mix: readonly LoadRequest[];
      readonly users?: number;
      readonly timeoutMs?: number;
    },
  ) {
    // Every 10 ms, send whatever the schedule says is due by now (timers run late on a busy machine).
    this.timer = setInterval(() => this.sendDue(), 10);
  }

  failures(since = 0): LoadAnswer[] {
    return this.answers.filter((a) => a.due >= since && a.problem !== undefined);
  }

  count(since = 0): number {
    return this.answers.filter((a) => a.due >= since).length;
  }

  /** Latency percentile (0-1) of the requests due from `since`, in ms. */
  percentile(quantile: number, since = 0): number {
    const sorted = this.answers
      .filter((a) => a.due >= since)
      .map((a) => a.latencyMs)
      .sort((a, b) => a - b);
    if (sorted.length === 0) return 0;
    return sorted[Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)]!;
  }

  versions(since = 0): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const answer of this.answers.filter((a) => a.due >= since))
      counts[answer.version] = (counts[answer.version] ?? 0) + 1;
    return counts;
  }

  /**
   * Resolves once the last `count` answers to arrive all succeeded, or throws after `timeoutMs`.
   * (By arrival, not by schedule: on a busy machine the answers may come seconds after they were due.)
   */
  async succeeding(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const last = this.answers.slice(-count);
      const failed = last.filter((answer) => answer.problem !== undefined);
      if (last.length === count && failed.length === 0) return;
      if (Date.now() > deadline) {
        throw new Error(
          `the last ${count} answers did not all succeed within ${timeoutMs} ms: ${failed.length} of ` +
            `${last.length} failed, e.g. ${JSON.stringify(failed[0])}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Stops sending and waits for every request sent to be answered or to time out. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.inFlight]);
  }

  private sendDue(): void {
    const due = Math.floor(((Date.now() - this.started) * this.options.rate) / 1000);
    while (this.sent < due) {
      const n = this.sent++;
      const request = this.options.mix[n % this.options.mix.length]!;
      const dueAt = this.started + (n * 1000) / this.options.rate;
      const sending = this.send(request, n, dueAt);
      this.inFlight.add(sending);
      void sending.finally(() => this.inFlight.delete(sending));
    }
  }

  private async send(request: LoadRequest, n: number, due: number): Promise<void> {
    const user = `load-user-${n % (this.options.users ?? 200)}`;
    const body =
      request.body === undefined
        ? undefined
        : JSON.stringify(request.body).replaceAll('{n}', `${n}-${this.started}`);
    try {
      const response = await fetch(`${this.gatewayUrl}${request.path}`, {
        method: request.method,
        headers: { 'x-user-id': user, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      const text = await response.text();
      this.answers.push({
        due,
        status: response.status,
        latencyMs: Date.now() - due,
        version: response.headers.get('x-served-version') ?? 'none',
        what: request.what,
        ...(response.status === request.ok ? {} : { problem: text.slice(0, 300) }),
      });
    } catch (error) {
      this.answers.push({
        due,
        status: 0,
        latencyMs: Date.now() - due,
        version: 'none',
        what: request.what,
        problem: String(error),
      });
    }
  }
}
