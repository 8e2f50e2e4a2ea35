import { describe, expect, it } from '@jest/globals';

import { hash32 } from './hash32.js';

describe(hash32.name, () => {
  it('is a stable unsigned 32-bit value', () => {
    expect(hash32('user-42')).toBe(hash32('user-42'));
    expect(Number.isInteger(hash32('user-42'))).toBe(true);
    expect(hash32('')).toBeGreaterThanOrEqual(0);
    expect(hash32('user-42')).toBeLessThan(2 ** 32);
  });

  it('spreads similar strings evenly over the range', () => {
    const buckets = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) buckets[hash32(`node#${i}`) >>> 28]!++;
    for (const count of buckets) expect(Math.abs(count - 1000)).toBeLessThan(120);
  });
});
