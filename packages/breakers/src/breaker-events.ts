/** What a breaker tells its listeners: its state changes and each call's outcome. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Why a call counted as a failure: it threw, it ran past `callTimeoutMs`, or `isFailure` judged its result. */
export type FailureReason = 'error' | 'timeout' | 'result';

/** Events, in the order they happen: a call's outcome comes before the state change it causes. */
export interface CircuitBreakerEvents {
  stateChange: [from: BreakerState, to: BreakerState];
  success: [latencyMs: number];
  failure: [latencyMs: number, reason: FailureReason];
  /** A call was refused without running: open, or half-open with every probe slot taken. */
  reject: [];
  /**
   * A call ran past `slowCallDurationMs`: found while it was still running (`stillRunning`, when the
   * breaker admitted another call or reported its state), or when it finished. Once per call, before
   * anything it causes; a call that finishes still emits its `success` or `failure` as well.
   */
  slowCall: [elapsedMs: number, stillRunning: boolean];
}
