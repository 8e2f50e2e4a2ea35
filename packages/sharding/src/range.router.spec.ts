import { describe, expect, it } from '@jest/globals';

import { InvalidShardRangesError, isKeyOutOfRangeError, KeyOutOfRangeError } from './errors.js';
import { RangeShardRouter } from './range.router.js';

const s0 = { id: 0, name: 'users_0' };
const s1 = { id: 1, name: 'users_1' };
const s2 = { id: 2, name: 'users_2' };

const router = () =>
  new RangeShardRouter([
    { from: 1_000n, to: 2_000n, shard: s1 },
    { from: 0n, to: 1_000n, shard: s0 },
    { from: 2_000n, to: 3_000n, shard: s2 },
  ]);

describe(RangeShardRouter.name, () => {
  it('sends each key to the range that holds it, boundaries included at the start', async () => {
    const r = router();
    expect([0n, 999n, 1_000n, 1_999n, 2_000n, 2_999n].map((k) => r.shardFor(k).name)).toEqual([
      'users_0',
      'users_0',
      'users_1',
      'users_1',
      'users_2',
      'users_2',
    ]);
    await expect(r.locate(1_500n)).resolves.toBe(s1);
    expect(r.shards()).toEqual([s0, s1, s2]);
  });

  it('routes the same key to the same shard every time', () => {
    const keys = Array.from({ length: 100 }, (_, i) => BigInt(i * 29));
    expect(keys.map((k) => router().shardFor(k))).toEqual(keys.map((k) => router().shardFor(k)));
  });

  it('refuses a key outside every range with an error naming the ranges', async () => {
    const r = router();
    for (const key of [-1n, 3_000n, 10n ** 18n]) expect(() => r.shardFor(key)).toThrow(KeyOutOfRangeError);
    await expect(r.locate(3_000n)).rejects.toThrow(KeyOutOfRangeError);
    try {
      r.shardFor(3_000n);
    } catch (error) {
      expect(isKeyOutOfRangeError(error) && error.code).toBe('key_out_of_range');
      expect((error as Error).message).toContain('[2000, 3000) → users_2');
    }
  });

  it('refuses overlapping ranges', () => {
    expect(
      () =>
        new RangeShardRouter([
          { from: 0n, to: 1_001n, shard: s0 },
          { from: 1_000n, to: 2_000n, shard: s1 },
        ]),
    ).toThrow(/overlaps/);
  });

  it('refuses a gap unless gaps are allowed, and then misses keys in it', () => {
    const ranges = [
      { from: 0n, to: 1_000n, shard: s0 },
      { from: 1_500n, to: 2_000n, shard: s1 },
    ];
    expect(() => new RangeShardRouter(ranges)).toThrow(InvalidShardRangesError);
    expect(() => new RangeShardRouter(ranges)).toThrow('keys [1000, 1500) are in no range');
    const gappy = new RangeShardRouter(ranges, { allowGaps: true });
    expect(() => gappy.shardFor(1_200n)).toThrow(KeyOutOfRangeError);
    expect(gappy.shardFor(1_500n)).toBe(s1);
  });

  it('refuses an empty configuration and empty ranges', () => {
    expect(() => new RangeShardRouter([])).toThrow(InvalidShardRangesError);
    expect(() => new RangeShardRouter([{ from: 5n, to: 5n, shard: s0 }])).toThrow(/empty or reversed/);
  });
});
