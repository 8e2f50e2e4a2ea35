import { describe, expect, it } from '@jest/globals';

import { judge, WindowStats } from './canary-analysis.js';
import { DEFAULT_ANALYSIS, type RequestStats } from './release.js';

function window(requests: number, errors: number, latencyMs: (i: number) => number): RequestStats {
  const stats = new WindowStats(() => 0.5);
  for (let i = 0; i < requests; i++) stats.record(i >= errors, latencyMs(i));
  return stats.take();
}

const settings = { ...DEFAULT_ANALYSIS, minRequests: 20 };

describe(WindowStats.name, () => {
  it('counts requests and errors, gives the p95 latency, and starts over after each take', () => {
    const stats = new WindowStats();
    for (let i = 1; i <= 100; i++) stats.record(i > 5, i);
    expect(stats.take()).toEqual({ requests: 100, errors: 5, errorRate: 0.05, p95Ms: 95 });
    expect(stats.take()).toEqual({ requests: 0, errors: 0, errorRate: 0, p95Ms: null });
  });

  it('keeps a bounded sample of latencies in a long window', () => {
    const stats = new WindowStats();
    for (let i = 0; i < 100_000; i++) stats.record(true, i % 100);
    const { p95Ms } = stats.take();
    expect(p95Ms).toBeGreaterThanOrEqual(90);
    expect(p95Ms).toBeLessThanOrEqual(99);
  });
});

describe(judge.name, () => {
  const stable = window(200, 1, () => 10);

  it('promotes a candidate as good as stable', () => {
    expect(
      judge(
        stable,
        window(40, 0, () => 11),
        settings,
      ).verdict,
    ).toBe('promote');
  });

  it('rolls back a candidate that fails clearly more often, naming the rates', () => {
    const result = judge(
      stable,
      window(40, 8, () => 10),
      settings,
    );
    expect(result.verdict).toBe('rollback');
    expect(result.reason).toContain('candidate error rate 20.0% (8/40)');
  });

  it('rolls back a failing candidate before it has the minimum volume', () => {
    expect(
      judge(
        stable,
        window(6, 6, () => 10),
        settings,
      ).verdict,
    ).toBe('rollback');
    // ...but not on one unlucky error.
    expect(
      judge(
        stable,
        window(3, 1, () => 10),
        settings,
      ).verdict,
    ).toBe('wait');
  });

  it('rolls back a candidate clearly slower at p95 two windows in a row, and ignores small absolute differences', () => {
    const slow = window(40, 0, () => 80);
    expect(judge(stable, slow, settings)).toMatchObject({ verdict: 'wait', slow: true });
    const second = judge(stable, slow, settings, { slowBefore: true });
    expect(second).toMatchObject({ verdict: 'rollback', slow: true });
    expect(second.reason).toBe(
      'candidate p95 80 ms vs stable 10 ms: more than 1.5× and 20 ms slower, two windows in a row',
    );
    expect(
      judge(
        window(200, 0, () => 2),
        window(40, 0, () => 6),
        settings,
      ).verdict,
    ).toBe('promote');
  });

  it('judges a fresh candidate’s first window on errors only', () => {
    expect(
      judge(
        stable,
        window(40, 0, () => 80),
        settings,
        { warmingUp: true },
      ),
    ).toMatchObject({ verdict: 'wait' });
    expect(
      judge(
        stable,
        window(40, 0, () => 10),
        settings,
        { warmingUp: true },
      ).reason,
    ).toMatch(/^first window/);
    expect(
      judge(
        stable,
        window(40, 8, () => 10),
        settings,
        { warmingUp: true },
      ),
    ).toMatchObject({ verdict: 'rollback' });
  });

  it('waits while either side has too few requests', () => {
    expect(
      judge(
        stable,
        window(10, 0, () => 10),
        settings,
      ),
    ).toMatchObject({ verdict: 'wait' });
    expect(
      judge(
        window(5, 0, () => 10),
        window(40, 0, () => 10),
        settings,
      ),
    ).toMatchObject({ verdict: 'wait' });
  });
});
