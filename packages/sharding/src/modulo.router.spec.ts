import { describe, expect, it } from '@jest/globals';

import { ModuloShardRouter } from './modulo.router.js';

const shards = (count: number) => Array.from({ length: count }, (_, id) => ({ id, name: `users_${id}` }));
const keys = Array.from({ length: 20_000 }, (_, i) => 7_000_000_000_000_000n + BigInt(i) * 1_024n);

function moved(before: ModuloShardRouter, after: ModuloShardRouter): number {
  return keys.filter((key) => before.shardFor(key).id !== after.shardFor(key).id).length / keys.length;
}

describe(ModuloShardRouter.name, () => {
  it('routes the same key to the same shard, in any router instance', async () => {
    const a = new ModuloShardRouter(shards(4));
    const b = new ModuloShardRouter(shards(4));
    expect(keys.map((k) => a.shardFor(k))).toEqual(keys.map((k) => b.shardFor(k)));
    await expect(a.locate(keys[0]!)).resolves.toBe(a.shardFor(keys[0]!));
  });

  it('spreads bigint and string keys evenly', () => {
    for (const sample of [keys, keys.map((k) => `user${k}@example.com`)]) {
      const router = new ModuloShardRouter<bigint | string>(shards(4));
      const counts = [0, 0, 0, 0];
      for (const key of sample) counts[router.shardFor(key).id]!++;
      for (const count of counts)
        expect(Math.abs(count - sample.length / 4)).toBeLessThan(sample.length * 0.02);
    }
  });

  it('moves about N/(N+1) of the keys going from N to N+1 shards', () => {
    for (const n of [2, 4, 8]) {
      const share = moved(new ModuloShardRouter(shards(n)), new ModuloShardRouter(shards(n + 1)));
      expect(Math.abs(share - n / (n + 1))).toBeLessThan(0.02);
    }
  });

  it('moves half of the keys going from N to 2N shards', () => {
    expect(
      Math.abs(moved(new ModuloShardRouter(shards(4)), new ModuloShardRouter(shards(8))) - 0.5),
    ).toBeLessThan(0.02);
  });

  it('needs at least one shard', () => {
    expect(() => new ModuloShardRouter([])).toThrow(RangeError);
  });
});
