import { describe, expect, it } from '@jest/globals';

import { seededRandom } from '../testing/seeded-random.js';
import { powerOfTwoChoices } from './power-of-two-choices.js';

describe(powerOfTwoChoices.name, () => {
  it('returns the only candidate, and undefined for none', () => {
    expect(powerOfTwoChoices(['a'], seededRandom(1), () => 0)).toBe('a');
    expect(powerOfTwoChoices([], seededRandom(1), () => 0)).toBeUndefined();
  });

  it('never picks the most expensive candidate, and picks the cheapest most often', () => {
    const cost = new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
    ]);
    const counts = new Map<string, number>();
    const random = seededRandom(7);
    for (let i = 0; i < 6000; i++) {
      const chosen = powerOfTwoChoices([...cost.keys()], random, (id) => cost.get(id)!)!;
      counts.set(chosen, (counts.get(chosen) ?? 0) + 1);
    }
    expect(counts.get('d')).toBeUndefined();
    // Exact shares for 4 candidates: 3/6, 2/6, 1/6 of picks.
    expect(counts.get('a')! / 6000).toBeCloseTo(0.5, 1);
    expect(counts.get('b')! / 6000).toBeCloseTo(1 / 3, 1);
  });

  it('always compares two distinct candidates, even when the random source returns 1', () => {
    expect(
      powerOfTwoChoices(
        ['a', 'b'],
        () => 0.999_999_999,
        (id) => (id === 'a' ? 0 : 1),
      ),
    ).toBe('a');
    expect(
      powerOfTwoChoices(
        ['a', 'b'],
        () => 1,
        (id) => (id === 'a' ? 1 : 0),
      ),
    ).toBe('b');
  });
});
