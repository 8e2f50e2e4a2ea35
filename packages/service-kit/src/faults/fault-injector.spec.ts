import { describe, expect, it } from '@jest/globals';

import { FaultInjector } from './fault-injector.js';
import { faultSettingsSchema } from './fault-settings.js';

/** A small deterministic generator (mulberry32) so shares can be checked exactly. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function draws(settings: unknown, n: number) {
  const injector = new FaultInjector(seeded(42));
  injector.set(faultSettingsSchema.parse(settings));
  return Array.from({ length: n }, () => injector.draw());
}

describe(FaultInjector.name, () => {
  it('injects nothing until told to', () => {
    const injector = new FaultInjector();
    expect(injector.active).toBe(false);
    expect(injector.draw()).toEqual({ delayMs: 0, errorStatus: undefined });
  });

  it('fails about the requested share of requests with the requested status', () => {
    const results = draws({ errors: { share: 0.3, status: 500 } }, 10_000);
    const failed = results.filter((r) => r.errorStatus === 500).length;
    expect(failed / results.length).toBeGreaterThan(0.28);
    expect(failed / results.length).toBeLessThan(0.32);
    expect(results.every((r) => r.delayMs === 0)).toBe(true);
  });

  it('delays a share of requests by a fixed time', () => {
    const results = draws({ latency: { distribution: 'fixed', ms: 2000, share: 0.5 } }, 10_000);
    const slow = results.filter((r) => r.delayMs === 2000).length;
    expect(slow / results.length).toBeGreaterThan(0.48);
    expect(slow / results.length).toBeLessThan(0.52);
    expect(results.every((r) => r.delayMs === 0 || r.delayMs === 2000)).toBe(true);
  });

  it('draws latencies from the distribution asked for', () => {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const uniform = draws({ latency: { distribution: 'uniform', minMs: 10, maxMs: 30 } }, 10_000).map(
      (r) => r.delayMs,
    );
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...uniform)).toBeLessThanOrEqual(30);
    expect(mean(uniform)).toBeCloseTo(20, 0);
    const exponential = draws({ latency: { distribution: 'exponential', meanMs: 50 } }, 20_000).map(
      (r) => r.delayMs,
    );
    expect(mean(exponential)).toBeGreaterThan(47);
    expect(mean(exponential)).toBeLessThan(53);
    const normal = draws({ latency: { distribution: 'normal', meanMs: 100, stddevMs: 10 } }, 20_000).map(
      (r) => r.delayMs,
    );
    expect(mean(normal)).toBeGreaterThan(99);
    expect(mean(normal)).toBeLessThan(101);
  });

  it('rejects settings that make no sense, naming the field', () => {
    const bad = [
      { errors: { share: 1.5 } },
      { latency: { distribution: 'fixed', ms: -1 } },
      { latency: { distribution: 'uniform', minMs: 50, maxMs: 10 } },
      { latency: { distribution: 'gamma', meanMs: 5 } },
      { errors: { share: 0.5, status: 404 } },
      { surprise: true },
    ];
    for (const settings of bad) expect(faultSettingsSchema.safeParse(settings).success).toBe(false);
  });

  it('says what a bad status or an inverted range should be, once per field', () => {
    const messages = (settings: unknown) =>
      (faultSettingsSchema.safeParse(settings).error?.issues ?? []).map(
        (issue) => `${issue.path.join('.')} ${issue.message}`,
      );
    expect(messages({ errors: { share: 0.5, status: 404 } })).toEqual([
      'errors.status must be 500, 502, 503 or 504',
    ]);
    expect(messages({ latency: { distribution: 'uniform', minMs: 50, maxMs: 10 } })).toEqual([
      'latency.minMs must not exceed latency.maxMs',
    ]);
  });
});
