import { describe, expect, it } from '@jest/globals';

import { stableHash32 } from '@platform/hashing';

import { HashRing } from './hash-ring.js';

const ids = Array.from({ length: 10 }, (_, i) => `node-${i}`);
const keys = Array.from({ length: 10_000 }, (_, i) => stableHash32(`key-${i}`));
const anyone = () => true;

function owners(ring: HashRing): string[] {
  return keys.map((key) => ring.ids[ring.find(key, anyone)!]!);
}

describe(HashRing.name, () => {
  it('gives each member a fair share of keys', () => {
    const counts = new Map<string, number>();
    for (const owner of owners(new HashRing(ids, 160))) counts.set(owner, (counts.get(owner) ?? 0) + 1);
    for (const id of ids) expect(Math.abs(counts.get(id)! - 1000)).toBeLessThan(300);
  });

  it('maps keys the same way whatever the order of the members', () => {
    expect(owners(new HashRing([...ids].reverse(), 160))).toEqual(owners(new HashRing(ids, 160)));
  });

  it('walks on to the next member that accepts, and gives up when none does', () => {
    const ring = new HashRing(ids, 160);
    const key = keys[0]!;
    const first = ring.find(key, anyone)!;
    const second = ring.find(key, (owner) => owner !== first)!;
    expect(second).not.toBe(first);
    expect(ring.find(key, () => false)).toBeUndefined();
    expect(new HashRing([], 160).find(key, anyone)).toBeUndefined();
  });
});
