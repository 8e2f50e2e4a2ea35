import { describe, expect, it } from '@jest/globals';

import { DynamicWeightedRoundRobinPicker } from './dynamic-weighted-round-robin.picker.js';
import { LoadTracker } from './load/load-tracker.js';
import type { Endpoint } from './picker.js';
import { manualClock } from './testing/manual-clock.js';

const endpoints = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

/** A tracker that has seen each endpoint answer in its given latency, failing at the given rate. */
function measured(latencyMs: Record<string, number>, failEvery: Record<string, number> = {}) {
  const clock = manualClock();
  const load = new LoadTracker({ clock: clock.now });
  for (let i = 1; i <= 200; i++) {
    clock.advance(100);
    for (const [id, latency] of Object.entries(latencyMs)) {
      const every = failEvery[id];
      load.begin(id)({ latencyMs: latency, ok: every === undefined || i % every !== 0 });
    }
  }
  return load;
}

function shares(picker: DynamicWeightedRoundRobinPicker, list: readonly Endpoint[], times: number) {
  const counts: Record<string, number> = {};
  for (let i = 0; i < times; i++) {
    const id = picker.pick(list)?.id ?? '-';
    counts[id] = (counts[id] ?? 0) + 1 / times;
  }
  return counts;
}

describe(DynamicWeightedRoundRobinPicker.name, () => {
  it('gives an endpoint four times as slow a quarter of the share of the others', () => {
    const picker = new DynamicWeightedRoundRobinPicker({ load: measured({ a: 10, b: 10, c: 40 }) });
    const share = shares(picker, endpoints, 9_000);
    expect(share.a).toBeCloseTo(4 / 9, 2);
    expect(share.b).toBeCloseTo(4 / 9, 2);
    expect(share.c).toBeCloseTo(1 / 9, 2);
  });

  it('cuts the share of an endpoint that fails', () => {
    const load = measured({ a: 10, b: 10, c: 10 }, { c: 5 });
    const errorRate = load.errorRate('c');
    expect(errorRate).toBeCloseTo(0.2, 1);
    const share = shares(new DynamicWeightedRoundRobinPicker({ load }), endpoints, 3_000);
    const weightOfC = 1 / (1 + 10 * errorRate); // against 1 for a and b
    expect(share.c).toBeCloseTo(weightOfC / (2 + weightOfC), 2);
    expect(share.c).toBeLessThan(0.2);
    expect(share.a).toBeCloseTo(share.b!, 2);
  });

  it('gives a new endpoint without samples the average share, neither flooding it nor starving it', () => {
    const picker = new DynamicWeightedRoundRobinPicker({ load: measured({ a: 10, b: 30 }) });
    const share = shares(picker, endpoints, 6_000);
    expect(share.c).toBeCloseTo(1 / 3, 2);
    expect(share.a).toBeGreaterThan(share.b!);
  });

  it('treats latencies under the floor as the floor', () => {
    const picker = new DynamicWeightedRoundRobinPicker({
      load: measured({ a: 0.01, b: 1 }),
      latencyFloorMs: 1,
    });
    const share = shares(picker, endpoints.slice(0, 2), 1_000);
    expect(share.a).toBeCloseTo(0.5, 2);
  });

  it('still scales by the static weight', () => {
    const picker = new DynamicWeightedRoundRobinPicker({ load: measured({ a: 10, b: 10 }) });
    const share = shares(picker, [{ id: 'a', weight: 3 }, { id: 'b' }], 4_000);
    expect(share.a).toBeCloseTo(0.75, 2);
  });

  it('never picks an excluded endpoint, and returns undefined when none is eligible', () => {
    const picker = new DynamicWeightedRoundRobinPicker({ load: measured({ a: 10, b: 10, c: 40 }) });
    for (let i = 0; i < 1_000; i++)
      expect(picker.pick(endpoints, { exclude: new Set(['a']) })?.id).not.toBe('a');
    expect(picker.pick(endpoints, { exclude: new Set(['a', 'b', 'c']) })).toBeUndefined();
    expect(picker.pick([])).toBeUndefined();
  });
});
