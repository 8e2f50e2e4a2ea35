import { describe, expect, it } from '@jest/globals';

import { stableHash32, stableHash32WithPrefix } from './stable-hash.js';

/** The formula as documented, written the slow, obvious way: TextEncoder, FNV-1a, fmix32. */
function reference(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

describe(stableHash32.name, () => {
  it('gives the same values in every version, so nothing moves because the code changed', () => {
    expect(stableHash32('ada@example.com')).toBe(4_037_819_389);
    expect(stableHash32('é')).toBe(2_387_039_943); // UTF-8 bytes c3 a9, not the UTF-16 code unit
    expect(stableHash32('new-checkout:user-1')).toBe(4_100_140_849);
  });

  it('is fmix32(FNV-1a-32(UTF-8 bytes)), reproducible in any language', () => {
    for (const text of ['user-1', 'ada@example.com', 'é', '用户', '👩‍💻', 'lone \ud800 surrogate', '']) {
      expect(stableHash32(text)).toBe(reference(text));
    }
  });

  it('hashes a prefix once and gives the same value as hashing the whole text', () => {
    const hash = stableHash32WithPrefix('new-checkout:');
    for (const rest of ['user-1', 'é', '👩‍💻', 'x'.repeat(300), '']) {
      expect(hash(rest)).toBe(stableHash32(`new-checkout:${rest}`));
    }
  });

  it('spreads similar strings evenly over the 32-bit range', () => {
    const buckets = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) buckets[stableHash32(`node#${i}`) >>> 28]! += 1;
    for (const count of buckets) expect(Math.abs(count - 1000)).toBeLessThan(120);
  });
});
