import { describe, expect, it } from '@jest/globals';

import { Histogram, HISTOGRAM_MAX_VALUE, type SparseHistogram } from './histogram.js';

/** Nearest-rank percentile of unsorted values, the exact answer the histogram approximates. */
function exact(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A deterministic spread of latencies in µs: mostly 200 µs – 5 ms, a tail up to 2 s. */
function latencies(count: number, seed: number): number[] {
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return Array.from({ length: count }, () => {
    const r = random();
    return r < 0.99 ? Math.round(200 + random() * 4_800) : Math.round(5_000 + random() * 1_995_000);
  });
}

describe(Histogram.name, () => {
  it('keeps values below 2,048 exactly', () => {
    const histogram = new Histogram();
    for (let v = 0; v < 2_048; v++) histogram.record(v);
    expect(histogram.valueAtPercentile(50)).toBe(1_023);
    expect(histogram.valueAtPercentile(100)).toBe(2_047);
    expect(histogram.min).toBe(0);
    expect(histogram.mean).toBe(1_023.5);
  });

  it('gives percentiles within 1/1,024 of the exact nearest-rank value', () => {
    const values = latencies(50_000, 7);
    const histogram = new Histogram();
    for (const v of values) histogram.record(v);
    for (const p of [1, 25, 50, 90, 99, 99.5, 99.9, 99.99]) {
      const want = exact(values, p);
      const got = histogram.valueAtPercentile(p);
      expect(got).toBeGreaterThanOrEqual(want);
      expect(got - want).toBeLessThanOrEqual(want / 1_024);
    }
    expect(histogram.valueAtPercentile(100)).toBe(Math.max(...values));
    expect(histogram.max).toBe(Math.max(...values));
    expect(histogram.totalCount).toBe(50_000);
  });

  it('merged from parts, equals one histogram of every value (how workers are combined)', () => {
    const parts = [latencies(10_000, 1), latencies(20_000, 2), latencies(5_000, 3)];
    const whole = new Histogram();
    const merged = new Histogram();
    for (const part of parts) {
      const worker = new Histogram();
      for (const v of part) {
        worker.record(v);
        whole.record(v);
      }
      // Through plain data, as worker threads send them.
      merged.addSparse(JSON.parse(JSON.stringify(worker.toSparse())) as SparseHistogram);
    }
    expect(merged.totalCount).toBe(35_000);
    expect(merged.toSparse()).toEqual(whole.toSparse());
    for (const p of [50, 99, 99.9]) expect(merged.valueAtPercentile(p)).toBe(whole.valueAtPercentile(p));
    expect(merged.mean).toBeCloseTo(whole.mean, 6);
  });

  it('shows a rare stall in the tail, not in the median', () => {
    const histogram = new Histogram();
    histogram.record(1_000, 9_890);
    histogram.record(1_000_000, 110); // 1.1% of the requests waited a second
    expect(histogram.valueAtPercentile(50)).toBe(1_000);
    expect(histogram.valueAtPercentile(98.8)).toBe(1_000);
    expect(histogram.valueAtPercentile(99)).toBeGreaterThanOrEqual(1_000_000);
  });

  it('is empty as NaN, clamps out-of-range values, and resets', () => {
    const histogram = new Histogram();
    expect(histogram.valueAtPercentile(99)).toBeNaN();
    expect(histogram.max).toBeNaN();
    histogram.record(-5);
    histogram.record(2 ** 40);
    expect(histogram.min).toBe(0);
    expect(histogram.max).toBe(HISTOGRAM_MAX_VALUE);
    histogram.reset();
    expect(histogram.totalCount).toBe(0);
    expect(histogram.toSparse().buckets).toEqual([]);
    histogram.record(3_000_000);
    expect(histogram.valueAtPercentile(50)).toBe(3_000_000);
  });

  it('refuses a bucket index that is not of its layout', () => {
    expect(() => new Histogram().addSparse({ total: 1, min: 1, max: 1, sum: 1, buckets: [1e9, 1] })).toThrow(
      RangeError,
    );
  });
});
