import type { AnalysisSettings, RequestStats, Verdict } from './release.js';

/** Latencies kept per window for the p95: past it, a uniform sample of them (reservoir sampling). */
const SAMPLE_SIZE = 2_000;

/** The requests one side of a release served in the current window. */
export class WindowStats {
  private requests = 0;
  private errors = 0;
  private readonly latencies: number[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  record(ok: boolean, latencyMs: number): void {
    this.requests++;
    if (!ok) this.errors++;
    if (this.latencies.length < SAMPLE_SIZE) this.latencies.push(latencyMs);
    else {
      const slot = Math.floor(this.random() * this.requests);
      if (slot < SAMPLE_SIZE) this.latencies[slot] = latencyMs;
    }
  }

  /** The window's figures; the window starts over. */
  take(): RequestStats {
    const stats: RequestStats = {
      requests: this.requests,
      errors: this.errors,
      errorRate: this.requests === 0 ? 0 : this.errors / this.requests,
      p95Ms: percentile(this.latencies, 0.95),
    };
    this.requests = 0;
    this.errors = 0;
    this.latencies.length = 0;
    return stats;
  }
}

function percentile(values: number[], quantile: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const value = sorted[Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)]!;
  return Math.round(value * 10) / 10;
}

/**
 * Compares one window of the candidate with the stable version, as Kayenta or Flagger do but on
 * the gateway's own measurements: roll back when the candidate fails clearly more often or is
 * clearly slower; promote a step when it had enough requests and neither; otherwise wait. Errors
 * are judged before volume, and even while warming up: a candidate failing every one of its few
 * requests is rolled back at once rather than given more users. Latency must be bad in two windows
 * in a row: a few dozen requests' p95 is noisy.
 */
export function judge(
  stable: RequestStats,
  candidate: RequestStats,
  settings: AnalysisSettings,
  history: {
    /** The release's first window: a fresh instance is slow at first (JIT, pools, caches), so only errors count. */
    readonly warmingUp?: boolean;
    /** The window before was too slow already: a second one in a row rolls back. */
    readonly slowBefore?: boolean;
  } = {},
): { verdict: Verdict; reason: string; slow?: boolean } {
  const errorIncrease = candidate.errorRate - stable.errorRate;
  // A handful of failures with no request to compare with is still a failing candidate, once a few
  // of them (a quarter of the minimum volume) have been seen.
  const enoughToBlame = candidate.errors >= Math.max(1, Math.ceil(settings.minRequests / 4));
  if (enoughToBlame && errorIncrease > settings.maxErrorRateIncrease) {
    return {
      verdict: 'rollback',
      reason:
        `candidate error rate ${pct(candidate.errorRate)} (${candidate.errors}/${candidate.requests}) vs ` +
        `stable ${pct(stable.errorRate)}: more than ${pct(settings.maxErrorRateIncrease)} above`,
    };
  }
  if (history.warmingUp) {
    return {
      verdict: 'wait',
      reason: `first window: the candidate is warming up, judged on errors only (${candidate.errors}/${candidate.requests} failed)`,
    };
  }
  if (candidate.requests < settings.minRequests || stable.requests < settings.minRequests) {
    return {
      verdict: 'wait',
      reason:
        `not enough requests to judge: candidate ${candidate.requests}, stable ${stable.requests} ` +
        `(at least ${settings.minRequests} each)`,
    };
  }
  if (candidate.p95Ms !== null && stable.p95Ms !== null) {
    const slower =
      candidate.p95Ms > stable.p95Ms * settings.maxLatencyRatio &&
      candidate.p95Ms - stable.p95Ms > settings.latencyToleranceMs;
    if (slower) {
      const finding =
        `candidate p95 ${candidate.p95Ms} ms vs stable ${stable.p95Ms} ms: more than ` +
        `${settings.maxLatencyRatio}× and ${settings.latencyToleranceMs} ms slower`;
      // One slow window of a few dozen requests can be noise (a pause, a neighbour); two in a row is not.
      return history.slowBefore
        ? { verdict: 'rollback', reason: `${finding}, two windows in a row`, slow: true }
        : { verdict: 'wait', reason: `${finding}; rolled back if the next window is too`, slow: true };
    }
  }
  return {
    verdict: 'promote',
    reason:
      `candidate healthy: error rate ${pct(candidate.errorRate)} vs ${pct(stable.errorRate)}, ` +
      `p95 ${candidate.p95Ms ?? '-'} ms vs ${stable.p95Ms ?? '-'} ms over ${candidate.requests} requests`,
  };
}

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}
