import { describe, expect, it } from '@jest/globals';

import { type CompleteRequest, LoadTracker } from './load/load-tracker.js';
import { P2cLeastConnectionsPicker } from './p2c-least-connections.picker.js';
import { seededRandom } from './testing/seeded-random.js';

const endpoints = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id }));

function counts(ids: string[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const id of ids) result[id] = (result[id] ?? 0) + 1;
  return result;
}

describe(P2cLeastConnectionsPicker.name, () => {
  it('never picks an excluded (ejected) endpoint over 10,000 picks', () => {
    const picker = new P2cLeastConnectionsPicker({ load: new LoadTracker(), random: seededRandom(1) });
    const exclude = new Set(['b', 'd']);
    const picked = counts(Array.from({ length: 10_000 }, () => picker.pick(endpoints, { exclude })!.id));
    expect(Object.keys(picked).sort()).toEqual(['a', 'c', 'e']);
  });

  it('returns the only eligible endpoint, and undefined when there is none', () => {
    const picker = new P2cLeastConnectionsPicker({ load: new LoadTracker(), random: seededRandom(1) });
    expect(picker.pick(endpoints, { exclude: new Set(['a', 'b', 'c', 'd']) })!.id).toBe('e');
    expect(picker.pick(endpoints, { exclude: new Set(['a', 'b', 'c', 'd', 'e']) })).toBeUndefined();
    expect(picker.pick([])).toBeUndefined();
  });

  it('prefers the less loaded endpoint and never picks the most loaded', () => {
    const load = new LoadTracker();
    ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'd'].forEach((id) => load.begin(id));
    const picker = new P2cLeastConnectionsPicker({ load, random: seededRandom(2) });
    const picked = counts(Array.from({ length: 10_000 }, () => picker.pick(endpoints)!.id));
    expect(picked.a).toBeUndefined();
    // e (idle) wins every pair it is in: 4 of the 10 pairs.
    expect(picked.e! / 10_000).toBeCloseTo(0.4, 1);
    expect(picked.d!).toBeGreaterThan(picked.c!);
    expect(picked.c!).toBeGreaterThan(picked.b!);
  });

  it('keeps the in-flight counts of the endpoints much closer than picking at random', () => {
    const p2c = meanSpread((load) => new P2cLeastConnectionsPicker({ load, random: seededRandom(3) }));
    const random = seededRandom(3);
    const atRandom = meanSpread(() => ({ pick: (list) => list[Math.floor(random() * list.length)] }));
    expect(p2c).toBeLessThan(atRandom / 2);
  });
});

/**
 * Keeps 50 requests in flight (a random one finishes as each new one starts) and returns the mean gap
 * between the most and the least loaded endpoint.
 */
function meanSpread(build: (load: LoadTracker) => Pick<P2cLeastConnectionsPicker, 'pick'>): number {
  const load = new LoadTracker();
  const picker = build(load);
  const random = seededRandom(4);
  const inflight: CompleteRequest[] = [];
  let total = 0;
  for (let i = 0; i < 10_000; i++) {
    inflight.push(load.begin(picker.pick(endpoints)!.id));
    if (inflight.length > 50)
      inflight.splice(Math.floor(random() * inflight.length), 1)[0]!({ latencyMs: 1, ok: true });
    const loads = endpoints.map((e) => load.inflight(e.id));
    total += Math.max(...loads) - Math.min(...loads);
  }
  return total / 10_000;
}
