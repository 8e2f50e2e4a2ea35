import { describe, expect, it } from '@jest/globals';

import { quantile, summarize, timeToRecoverMs } from './summary.js';
import type { Sample } from './traffic.js';

const sample = (at: number, ms: number, status = 200): Sample => ({
  flow: 'reads',
  at,
  ms,
  status,
  ok: status === 200,
});

describe(summarize.name, () => {
  it('counts served and failed requests, by status, with nearest-rank percentiles', () => {
    const samples = [
      ...Array.from({ length: 98 }, (_, i) => sample(i, i + 1)),
      sample(98, 500, 503),
      sample(99, 9_000, 0),
    ];
    expect(summarize(samples)).toEqual({
      requests: 100,
      served: 98,
      failed: 2,
      servedPct: 98,
      p50Ms: 50,
      p90Ms: 90,
      p99Ms: 500,
      maxMs: 9_000,
      failures: { '503': 1, '0': 1 },
    });
  });

  it('has no percentages or percentiles without samples', () => {
    expect(summarize([])).toMatchObject({ requests: 0, servedPct: null, p99Ms: null });
  });
});

describe(quantile.name, () => {
  it('takes the nearest rank', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4], 1)).toBe(4);
    expect(quantile([7], 0.99)).toBe(7);
  });
});

describe(timeToRecoverMs.name, () => {
  it('is the end of the last failed or slow request after the fault', () => {
    const samples = [
      sample(0, 5, 503),
      sample(1_000, 10),
      sample(1_100, 1_500),
      sample(2_000, 50, 503),
      sample(3_000, 5),
    ];
    expect(timeToRecoverMs(samples, 500)).toBe(2_100);
    expect(timeToRecoverMs([sample(1_000, 5)], 500)).toBe(0);
  });
});
