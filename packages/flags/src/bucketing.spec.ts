import { describe, expect, it } from '@jest/globals';

import { stableHash32 } from '@platform/hashing';

import { bucketerFor, bucketOf, BUCKETS } from './bucketing.js';

describe(bucketOf.name, () => {
  it('gives the same buckets in every version, so nobody changes variant because the code changed', () => {
    expect(bucketOf('new-checkout', 'user-1')).toBe(bucketOf('new-checkout', 'user-1'));
    expect([
      bucketOf('new-checkout', 'user-1'),
      bucketOf('new-checkout', 'user-2'),
      bucketOf('dark-mode', 'user-1'),
    ]).toEqual([849, 5308, 8461]);
    expect(stableHash32('new-checkout:user-1')).toBe(4_100_140_849);
  });

  it('hashes the flag key once and only the bucket key per call, with the same result', () => {
    const bucketer = bucketerFor('new-checkout');
    for (const key of ['user-1', 'é', '👩‍💻', 'x'.repeat(300)]) {
      expect(bucketer(key)).toBe(bucketOf('new-checkout', key));
    }
  });

  it('spreads sequential ids evenly over the buckets', () => {
    const perTenth = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const bucket = bucketOf('spread', `user-${i}`);
      if (!Number.isInteger(bucket) || bucket < 0 || bucket >= BUCKETS) outside++;
      else perTenth[Math.floor(bucket / 1000)]! += 1;
    }
    expect(outside).toBe(0);
    for (const count of perTenth) expect(Math.abs(count - 10_000)).toBeLessThan(400);
  });
});
