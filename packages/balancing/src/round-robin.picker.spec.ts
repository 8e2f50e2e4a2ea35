import { describe, expect, it } from '@jest/globals';

import { RoundRobinPicker } from './round-robin.picker.js';

const endpoints = ['a', 'b', 'c'].map((id) => ({ id }));

function picks(
  picker: RoundRobinPicker,
  list: { id: string }[],
  times: number,
  exclude?: Set<string>,
): string[] {
  return Array.from({ length: times }, () => picker.pick(list, { exclude })?.id ?? '-');
}

describe(RoundRobinPicker.name, () => {
  it('gives each endpoint its turn in order', () => {
    expect(picks(new RoundRobinPicker(), endpoints, 7)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  it('spreads load evenly', () => {
    const counts = new Map<string, number>();
    for (const id of picks(new RoundRobinPicker(), endpoints, 3000))
      counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts.values()]).toEqual([1000, 1000, 1000]);
  });

  it('never picks an excluded endpoint and keeps rotating among the others', () => {
    expect(picks(new RoundRobinPicker(), endpoints, 4, new Set(['b']))).toEqual(['a', 'c', 'a', 'c']);
  });

  it('returns undefined when every endpoint is excluded or none exists', () => {
    const picker = new RoundRobinPicker();
    expect(picker.pick([])).toBeUndefined();
    expect(picker.pick(endpoints, { exclude: new Set(['a', 'b', 'c']) })).toBeUndefined();
  });

  it('never picks a removed endpoint and gives a new one a turn within a cycle', () => {
    const picker = new RoundRobinPicker();
    picks(picker, endpoints, 2);
    const changed = [{ id: 'a' }, { id: 'c' }, { id: 'd' }];
    const next = picks(picker, changed, 3);
    expect(next).not.toContain('b');
    expect(new Set(next)).toEqual(new Set(['a', 'c', 'd']));
  });
});
