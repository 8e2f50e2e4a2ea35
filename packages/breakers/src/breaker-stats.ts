import type { BreakerState } from './breaker-events.js';
import { NO_CALLS, type WindowCounts } from './call-window.js';
import { percentOf } from './trip-rules.js';

/**
 * Counts in the current window (it restarts when the breaker goes half-open): the rolling time
 * window, or the last `slidingWindowCalls` calls when that is set.
 */
export interface BreakerStats {
  readonly state: BreakerState;
  /**
   * Calls in the window; the volume threshold counts these. In the time window a call with a timeout
   * counts when it starts, one without when it finishes (see `CircuitBreaker.execute`); in a
   * count window every call counts when it finishes, or when it is found slow while still running.
   */
  readonly calls: number;
  /** Calls that succeeded (in a count window: not failed, and not found slow and still running). */
  readonly successes: number;
  /** Failed calls of every reason, timeouts included. */
  readonly failures: number;
  readonly timeouts: number;
  /** Calls refused, over the rolling time window (whichever window judges). */
  readonly rejections: number;
  /** failures / calls × 100: the figure compared with `errorThresholdPercentage`. */
  readonly errorPercentage: number;
  /** Slow calls in the window (0 with the slow-call rule off), those still running included. */
  readonly slowCalls: number;
  /**
   * Slow calls as a share of the calls the slow-call rule counts, × 100: the figure compared with
   * `slowCallRateThreshold`. In the time window those are the calls recorded since the rule was on
   * (finished, or found slow), which can differ from `calls` by the calls in flight.
   */
  readonly slowCallPercentage: number;
}

/** opossum's counts over its rolling window. */
export interface RollingCounts {
  readonly fires: number;
  readonly successes: number;
  readonly failures: number;
  readonly timeouts: number;
  readonly rejects: number;
}

/**
 * The stats a breaker reports: the calls from the count window when there is one (`countWindow`),
 * otherwise from opossum's rolling window; slow calls from the ledger's window (`ledger`).
 */
export function breakerStats(
  state: BreakerState,
  rolling: RollingCounts,
  ledger: WindowCounts | undefined,
  countWindow: boolean,
): BreakerStats {
  const window = ledger ?? NO_CALLS;
  const calls = countWindow ? window.calls : rolling.fires;
  const failures = countWindow ? window.failures : rolling.failures;
  return {
    state,
    calls,
    successes: countWindow ? window.calls - window.failures - window.running : rolling.successes,
    failures,
    timeouts: countWindow ? window.timeouts : rolling.timeouts,
    rejections: rolling.rejects,
    errorPercentage: calls > 0 ? (failures / calls) * 100 : 0,
    slowCalls: window.slow,
    slowCallPercentage: percentOf(window.slow, window),
  };
}
