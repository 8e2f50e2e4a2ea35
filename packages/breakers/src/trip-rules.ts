/**
 * The two rules that open a closed breaker, judged over a window's counts. Both wait until the
 * window holds `volumeThreshold` calls, so one failure of one call does not open it.
 *
 * - **Error rule**: the failed share is *above* `errorThresholdPercentage`. This is opossum's
 *   comparison, kept for the count window too so a setting means the same with either window
 *   (50 opens at 6 failures of 10, not 5; 100 never opens).
 * - **Slow-call rule**: the slow share is *at or above* `slowCallRateThreshold` (Resilience4j's
 *   comparison). "At" matters at the top: a frozen dependency makes every call slow, and 100 must
 *   open then; under "above", 100 could never open.
 *
 * Over the time window the error rule is opossum's own (it judges on each failure); these functions
 * judge the count window, and the slow-call rule with either window, after every call recorded.
 */
import type { BreakerSettings } from './breaker-settings.js';
import type { WindowCounts } from './call-window.js';

export function errorRuleTrips(counts: WindowCounts, settings: BreakerSettings): boolean {
  return (
    judged(counts, settings) && (counts.failures / counts.calls) * 100 > settings.errorThresholdPercentage
  );
}

export function slowCallRuleTrips(counts: WindowCounts, settings: BreakerSettings): boolean {
  return (
    settings.slowCallDurationMs > 0 &&
    judged(counts, settings) &&
    (counts.slow / counts.calls) * 100 >= settings.slowCallRateThreshold
  );
}

/** Percentage of `part` in the window's calls; 0 for an empty window. */
export function percentOf(part: number, counts: WindowCounts): number {
  return counts.calls > 0 ? (part / counts.calls) * 100 : 0;
}

function judged(counts: WindowCounts, settings: BreakerSettings): boolean {
  return counts.calls > 0 && counts.calls >= settings.volumeThreshold;
}
