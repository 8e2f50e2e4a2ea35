import { describe, expect, it, jest } from '@jest/globals';

import { ConsistentHashPicker } from './consistent-hash.picker.js';
import { HashRing } from './internal/hash-ring.js';
import type { Endpoint } from './picker.js';

const nodes = (count: number) => Array.from({ length: count }, (_, i) => ({ id: `10.0.0.${i}:8080` }));
const keys = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);

function assign(picker: ConsistentHashPicker, endpoints: readonly Endpoint[]): string[] {
  return keys.map((key) => picker.pick(endpoints, { key })!.id);
}

function moved(before: string[], after: string[]): number {
  return before.filter((owner, i) => owner !== after[i]).length / before.length;
}

describe(ConsistentHashPicker.name, () => {
  it('sends the same key to the same endpoint every time', () => {
    const picker = new ConsistentHashPicker();
    const endpoints = nodes(10);
    expect(assign(picker, endpoints)).toEqual(assign(new ConsistentHashPicker(), [...endpoints].reverse()));
  });

  it('spreads keys fairly over the endpoints', () => {
    const counts = new Map<string, number>();
    for (const owner of assign(new ConsistentHashPicker(), nodes(10)))
      counts.set(owner, (counts.get(owner) ?? 0) + 1);
    expect(counts.size).toBe(10);
    for (const count of counts.values()) expect(Math.abs(count - 1_000)).toBeLessThan(150);
  });

  it('moves only about 1/N of the keys when an endpoint joins, all of them to the new one', () => {
    const picker = new ConsistentHashPicker();
    const before = assign(picker, nodes(10));
    const after = assign(picker, nodes(11));
    expect(moved(before, after)).toBeGreaterThan(0.05);
    expect(moved(before, after)).toBeLessThan(0.15);
    const newcomer = nodes(11)[10]!.id;
    expect(after.filter((owner, i) => owner !== before[i]).every((owner) => owner === newcomer)).toBe(true);
  });

  it("moves only the leaving endpoint's keys when one leaves", () => {
    const picker = new ConsistentHashPicker();
    const all = nodes(10);
    const leaving = all[3]!.id;
    const before = assign(picker, all);
    const after = assign(
      picker,
      all.filter((e) => e.id !== leaving),
    );
    const changed = before.map((owner, i) => after[i] !== owner);
    expect(changed).toEqual(before.map((owner) => owner === leaving));
  });

  it('sends the key of an excluded endpoint to the next endpoint on the ring, like a removal would', () => {
    const picker = new ConsistentHashPicker();
    const all = nodes(10);
    const excluded = all[5]!.id;
    const withoutIt = assign(
      new ConsistentHashPicker(),
      all.filter((e) => e.id !== excluded),
    );
    const exclude = new Set([excluded]);
    expect(keys.map((key) => picker.pick(all, { key, exclude })!.id)).toEqual(withoutIt);
    expect(picker.pick(all, { key: 'k', exclude: new Set(all.map((e) => e.id)) })).toBeUndefined();
    expect(picker.pick([], { key: 'k' })).toBeUndefined();
  });

  it('goes round robin without a key', () => {
    const picker = new ConsistentHashPicker();
    const endpoints = nodes(3);
    const ids = [undefined, '', undefined].map((key) => picker.pick(endpoints, { key })!.id);
    expect(ids).toEqual(endpoints.map((e) => e.id));
  });

  it('builds the ring once per membership, not once per pick', () => {
    const find = jest.spyOn(HashRing.prototype, 'find');
    const picker = new ConsistentHashPicker();
    const endpoints = nodes(10);
    const ringsUsed = () => new Set(find.mock.contexts).size;
    for (const key of keys.slice(0, 100)) picker.pick(endpoints, { key });
    for (const key of keys.slice(0, 100)) picker.pick([...endpoints], { key });
    expect(ringsUsed()).toBe(1);
    picker.pick(nodes(11), { key: 'k' });
    expect(ringsUsed()).toBe(2);
    find.mockRestore();
  });
});
