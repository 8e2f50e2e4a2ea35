/**
 * A window is what the trip rules judge: the outcomes of recent calls, kept as running counts. Two
 * kinds, as in Resilience4j: {@link CountWindow} holds the last N calls, {@link TimeWindow} the calls
 * of the last `rollingWindowMs`. A window only counts; {@link CallLedger} decides what goes in and
 * the trip rules (trip-rules.ts) read the counts.
 *
 * The breaker's error rule over a time window stays opossum's (its own rolling window); a
 * TimeWindow here serves the slow-call rule beside it.
 */
export interface CallWindow {
  /** Adds one call with its {@link Outcome} flags; returns a handle to its entry for {@link amend}. */
  record(outcome: number, nowMs: number): number;
  /**
   * Finishes an entry recorded while its call was still running (with {@link Outcome.running}): a
   * call counted slow before it finished. The running flag goes and `outcome`'s flags are added;
   * nothing happens once the entry has left the window.
   */
  amend(entry: number, outcome: number, nowMs: number): void;
  /** Totals over the window as of `nowMs`; a live view, read it before the next record. */
  counts(nowMs: number): WindowCounts;
}

export interface WindowCounts {
  /** Calls in the window: each finished call, and each call counted slow while still running. */
  readonly calls: number;
  /** Failed calls, timeouts included. */
  readonly failures: number;
  readonly timeouts: number;
  readonly slow: number;
  /** Calls counted slow while still running, that have not finished since: neither failed nor succeeded. */
  readonly running: number;
}

/** A call's outcome as bit flags, so a count window keeps one byte per call. */
export const Outcome = {
  success: 0,
  failure: 1,
  /** A timeout is a failure too. */
  timeout: 1 | 2,
  slow: 4,
  /** Counted before it finished: its outcome is not known yet. */
  running: 8,
} as const;

const TIMED_OUT = 2;

export const NO_CALLS: WindowCounts = Object.freeze({
  calls: 0,
  failures: 0,
  timeouts: 0,
  slow: 0,
  running: 0,
});

/** Running totals that a window adds entries to and takes them out of. */
export class Totals implements WindowCounts {
  calls = 0;
  failures = 0;
  timeouts = 0;
  slow = 0;
  running = 0;

  /** Adds (sign 1) or takes out (sign -1) the flags of `outcome`, not the call itself. */
  flags(outcome: number, sign: 1 | -1): void {
    if (outcome & Outcome.failure) this.failures += sign;
    if (outcome & TIMED_OUT) this.timeouts += sign;
    if (outcome & Outcome.slow) this.slow += sign;
    if (outcome & Outcome.running) this.running += sign;
  }

  /** Adds (sign 1) or takes out (sign -1) whole counts: calls and their flags. */
  add(counts: WindowCounts, sign: 1 | -1 = 1): void {
    this.calls += sign * counts.calls;
    this.failures += sign * counts.failures;
    this.timeouts += sign * counts.timeouts;
    this.slow += sign * counts.slow;
    this.running += sign * counts.running;
  }

  clear(): void {
    this.calls = this.failures = this.timeouts = this.slow = this.running = 0;
  }
}
