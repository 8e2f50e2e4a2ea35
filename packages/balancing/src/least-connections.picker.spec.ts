import { describe, expect, it } from '@jest/globals';

import { LeastConnectionsPicker } from './least-connections.picker.js';
import { type CompleteRequest, LoadTracker } from './load/load-tracker.js';
import { seededRandom } from './testing/seeded-random.js';

const endpoints = ['a', 'b', 'c', 'd'].map((id) => ({ id }));

describe(LeastConnectionsPicker.name, () => {
  it('always picks an endpoint with the fewest requests in flight', () => {
    const load = new LoadTracker();
    const picker = new LeastConnectionsPicker({ load });
    const random = seededRandom(3);
    const inflight: CompleteRequest[] = [];
    for (let i = 0; i < 5_000; i++) {
      const least = Math.min(...endpoints.map((e) => load.inflight(e.id)));
      const chosen = picker.pick(endpoints)!;
      expect(load.inflight(chosen.id)).toBe(least);
      inflight.push(load.begin(chosen.id));
      // Requests finish in random order.
      while (inflight.length > 0 && random() < 0.45) {
        const [done] = inflight.splice(Math.floor(random() * inflight.length), 1);
        done!({ latencyMs: 1, ok: true });
      }
    }
  });

  it('rotates among tied endpoints instead of always taking the first', () => {
    const picker = new LeastConnectionsPicker({ load: new LoadTracker() });
    expect(Array.from({ length: 6 }, () => picker.pick(endpoints)!.id)).toEqual([
      'a',
      'b',
      'c',
      'd',
      'a',
      'b',
    ]);
  });

  it('sends everything to the idle endpoint while the others are busy', () => {
    const load = new LoadTracker();
    for (const id of ['a', 'b', 'd']) load.begin(id);
    const picker = new LeastConnectionsPicker({ load });
    expect(Array.from({ length: 3 }, () => picker.pick(endpoints)!.id)).toEqual(['c', 'c', 'c']);
  });

  it('never picks an excluded endpoint, even an idle one, and returns undefined when none is eligible', () => {
    const load = new LoadTracker();
    for (const id of ['a', 'b', 'c']) load.begin(id);
    const picker = new LeastConnectionsPicker({ load });
    expect(picker.pick(endpoints, { exclude: new Set(['d']) })).toBeDefined();
    for (let i = 0; i < 100; i++)
      expect(picker.pick(endpoints, { exclude: new Set(['d']) })!.id).not.toBe('d');
    expect(picker.pick(endpoints, { exclude: new Set(['a', 'b', 'c', 'd']) })).toBeUndefined();
    expect(picker.pick([])).toBeUndefined();
  });
});
