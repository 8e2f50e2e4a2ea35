import { type Histogram } from '../histogram/histogram.js';

/** The percentiles every report shows. */
export const PERCENTILES = [50, 75, 90, 99, 99.9, 99.99] as const;

export function percentileLabel(p: number): string {
  return `p${String(p)}`;
}

/** A latency in ms: 3 significant digits below 100 ms, whole ms above; "—" when there is none. */
export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function formatShare(share: number, digits = 1): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(digits)}%` : '—';
}

/** "30 s", "500 ms", "2 min". */
export function formatDuration(ms: number): string {
  if (ms >= 120_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms >= 1000) return `${Number((ms / 1000).toFixed(3))} s`;
  return `${ms} ms`;
}

/** A µs histogram's percentiles, max and mean in ms. */
export function summarizeMs(histogram: Histogram): Record<string, number> {
  const out: Record<string, number> = { count: histogram.totalCount };
  for (const p of PERCENTILES) out[percentileLabel(p)] = histogram.valueAtPercentile(p) / 1000;
  out['max'] = histogram.max / 1000;
  out['mean'] = histogram.mean / 1000;
  return out;
}
