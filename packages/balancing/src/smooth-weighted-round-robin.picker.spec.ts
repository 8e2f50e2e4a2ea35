import { describe, expect, it } from '@jest/globals';

import type { Endpoint } from './picker.js';
import { SmoothWeightedRoundRobinPicker } from './smooth-weighted-round-robin.picker.js';

const weighted = [
  { id: 'a', weight: 5 },
  { id: 'b', weight: 1 },
  { id: 'c', weight: 1 },
];

function picks(
  picker: SmoothWeightedRoundRobinPicker,
  list: readonly Endpoint[],
  times: number,
  exclude?: Set<string>,
) {
  return Array.from({ length: times }, () => picker.pick(list, { exclude })?.id ?? '-');
}

function shares(ids: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const id of ids) counts[id] = (counts[id] ?? 0) + 1;
  return counts;
}

describe(SmoothWeightedRoundRobinPicker.name, () => {
  it("interleaves the heavy endpoint's turns like nginx: a a b a c a a", () => {
    expect(picks(new SmoothWeightedRoundRobinPicker(), weighted, 14).join(' ')).toBe(
      'a a b a c a a a a b a c a a',
    );
  });

  it('gives shares exactly proportional to the weights', () => {
    expect(shares(picks(new SmoothWeightedRoundRobinPicker(), weighted, 7_000))).toEqual({
      a: 5_000,
      b: 1_000,
      c: 1_000,
    });
  });

  it('treats a missing weight as 1 and plain round robin as the equal-weight case', () => {
    expect(picks(new SmoothWeightedRoundRobinPicker(), [{ id: 'a' }, { id: 'b' }], 4)).toEqual([
      'a',
      'b',
      'a',
      'b',
    ]);
  });

  it('reads weights from an injected function', () => {
    const picker = new SmoothWeightedRoundRobinPicker<Endpoint>({ weightOf: (e) => (e.id === 'b' ? 3 : 1) });
    expect(shares(picks(picker, [{ id: 'a' }, { id: 'b' }], 400))).toEqual({ a: 100, b: 300 });
  });

  it('never picks an excluded endpoint and shares among the rest by weight', () => {
    const counts = shares(picks(new SmoothWeightedRoundRobinPicker(), weighted, 600, new Set(['a'])));
    expect(counts).toEqual({ b: 300, c: 300 });
  });

  it('returns undefined when none is eligible', () => {
    const picker = new SmoothWeightedRoundRobinPicker();
    expect(picker.pick([])).toBeUndefined();
    expect(picker.pick(weighted, { exclude: new Set(['a', 'b', 'c']) })).toBeUndefined();
  });

  it('never chooses a zero weight while another has weight, and all zero means equal', () => {
    const picker = new SmoothWeightedRoundRobinPicker();
    expect(shares(picks(picker, [{ id: 'a', weight: 0 }, { id: 'b' }], 10))).toEqual({ b: 10 });
    expect(
      shares(
        picks(
          picker,
          [
            { id: 'a', weight: 0 },
            { id: 'b', weight: NaN },
          ],
          10,
        ),
      ),
    ).toEqual({ a: 5, b: 5 });
  });

  it('survives membership changes: a removed endpoint is gone, a new one gets its weighted share', () => {
    const picker = new SmoothWeightedRoundRobinPicker();
    picks(picker, weighted, 3);
    const changed = [
      { id: 'a', weight: 5 },
      { id: 'c', weight: 1 },
      { id: 'd', weight: 2 },
    ];
    const after = picks(picker, changed, 8_000);
    expect(after).not.toContain('b');
    const counts = shares(after);
    expect(counts.a! / 8_000).toBeCloseTo(5 / 8, 2);
    expect(counts.d! / 8_000).toBeCloseTo(2 / 8, 2);
  });
});
