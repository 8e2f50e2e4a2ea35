import type { Sample } from './traffic.js';

/** What a set of samples amounts to: how many were served, and how fast. */
export interface Summary {
  readonly requests: number;
  readonly served: number;
  readonly failed: number;
  /** served / requests × 100, or null without requests. */
  readonly servedPct: number | null;
  readonly p50Ms: number | null;
  readonly p90Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
  /** Statuses of the failed ones, e.g. {"503": 4, "0": 1}. */
  readonly failures: Record<string, number>;
}

/** The q-quantile (0..1) of sorted values, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

const round = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);

export function summarize(samples: readonly Sample[]): Summary {
  const latencies = samples.map((s) => s.ms).sort((a, b) => a - b);
  const served = samples.filter((s) => s.ok).length;
  const failures: Record<string, number> = {};
  for (const sample of samples.filter((s) => !s.ok)) {
    const key = sample.status === 0 ? `0 ${sample.error ?? ''}`.trim() : String(sample.status);
    failures[key] = (failures[key] ?? 0) + 1;
  }
  return {
    requests: samples.length,
    served,
    failed: samples.length - served,
    servedPct: samples.length === 0 ? null : Math.round((served / samples.length) * 100_000) / 1000,
    p50Ms: round(quantile(latencies, 0.5)),
    p90Ms: round(quantile(latencies, 0.9)),
    p99Ms: round(quantile(latencies, 0.99)),
    maxMs: round(quantile(latencies, 1)),
    failures,
  };
}

/** The samples of one flow, or of several. */
export function ofFlows(samples: readonly Sample[], ...flows: string[]): Sample[] {
  return samples.filter((s) => flows.includes(s.flow));
}

/** The samples that started in [from, to) (epoch ms). */
export function between(samples: readonly Sample[], from: number, to = Infinity): Sample[] {
  return samples.filter((s) => s.at >= from && s.at < to);
}

/**
 * How long after `faultAt` the service was back to normal: the end of the last request that failed
 * or took longer than `slowMs`, measured from `faultAt`; 0 if none did.
 */
export function timeToRecoverMs(samples: readonly Sample[], faultAt: number, slowMs = 1_000): number {
  let last = faultAt;
  for (const sample of samples) {
    if (sample.at < faultAt) continue;
    if (!sample.ok || sample.ms > slowMs) last = Math.max(last, sample.at + sample.ms);
  }
  return Math.round(last - faultAt);
}
