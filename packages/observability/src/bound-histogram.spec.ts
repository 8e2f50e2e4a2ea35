import { describe, expect, it } from '@jest/globals';
import { Histogram, Registry } from 'prom-client';

import { BoundHistogram } from './bound-histogram.js';

const OPTIONS = {
  name: 'shard_call_duration_seconds',
  help: 'Calls to each shard.',
  labelNames: ['shard', 'outcome'] as const,
  buckets: [0.001, 0.01, 0.1],
};

describe(BoundHistogram.name, () => {
  it('is scraped exactly like a prom-client histogram given the same observations', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    for (const registry of [ours, theirs]) registry.setDefaultLabels({ service: 'users' });
    const bound = new BoundHistogram({ ...OPTIONS, registers: [ours] });
    const reference = new Histogram({ ...OPTIONS, labelNames: [...OPTIONS.labelNames], registers: [theirs] });
    const observations: [string, string, number][] = [
      ['users_0', 'ok', 0.0004],
      ['users_0', 'ok', 0.001], // on a bound: that bucket
      ['users_0', 'ok', 0.05],
      ['users_0', 'error', 3], // above every bound: +Inf only
      ['users_1', 'ok', 0.002],
    ];
    for (const [shard, outcome, seconds] of observations) {
      bound.bind({ shard, outcome }).observe(seconds);
      reference.labels(shard, outcome).observe(seconds);
    }

    expect(await ours.metrics()).toBe(await theirs.metrics());
    // As JSON too, but for prom-client's exemplar slots (null: exemplars are off).
    const withoutExemplars = (metrics: Awaited<ReturnType<Registry['getMetricsAsJSON']>>) =>
      metrics.map((m) => ({
        ...m,
        values: m.values.map(({ exemplar: _, ...value }: Record<string, unknown>) => value),
      }));
    expect(await ours.getMetricsAsJSON()).toEqual(withoutExemplars(await theirs.getMetricsAsJSON()));
  });

  it('shows a bound series at zero before its first observation, and zeroes every series on reset', async () => {
    const registry = new Registry();
    const bound = new BoundHistogram({ ...OPTIONS, registers: [registry] });
    const ok = bound.bind({ shard: 'users_0', outcome: 'ok' });
    expect(await registry.metrics()).toContain(
      'shard_call_duration_seconds_count{shard="users_0",outcome="ok"} 0',
    );

    ok.observe(0.02);
    ok.observe(0.2);
    expect(bound.bind({ shard: 'users_0', outcome: 'ok' })).toBe(ok);
    const text = await registry.metrics();
    expect(text).toContain('shard_call_duration_seconds_bucket{le="0.1",shard="users_0",outcome="ok"} 1');
    expect(text).toContain('shard_call_duration_seconds_sum{shard="users_0",outcome="ok"} 0.22');
    expect(text).toContain('shard_call_duration_seconds_count{shard="users_0",outcome="ok"} 2');

    registry.resetMetrics();
    expect(await registry.metrics()).toContain(
      'shard_call_duration_seconds_count{shard="users_0",outcome="ok"} 0',
    );
  });

  it('refuses a label set that is not exactly its label names, buckets out of order and non-finite values', () => {
    const bound = new BoundHistogram({ ...OPTIONS, registers: [] });
    expect(() => bound.bind({ shard: 'users_0' } as never)).toThrow(
      'histogram shard_call_duration_seconds: labels must be exactly shard, outcome; "outcome" is missing',
    );
    expect(() => bound.bind({ shard: 'users_0', outcome: 'ok', user: '42' } as never)).toThrow(
      '"user" is not one',
    );
    expect(() => new BoundHistogram({ ...OPTIONS, buckets: [0.1, 0.01], registers: [] })).toThrow(
      'buckets must be finite and strictly ascending, got [0.1, 0.01]',
    );
    const series = bound.bind({ shard: 'users_0', outcome: 'ok' });
    expect(() => series.observe(Number.NaN)).toThrow(
      'histogram observation must be a finite number, got NaN',
    );
  });

  it('cannot share a name with another metric of the same registry', () => {
    const registry = new Registry();
    new BoundHistogram({ ...OPTIONS, registers: [registry] });
    expect(
      () => new Histogram({ ...OPTIONS, labelNames: [...OPTIONS.labelNames], registers: [registry] }),
    ).toThrow('has already been registered');
  });
});
