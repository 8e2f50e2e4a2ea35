import { describe, expect, it } from '@jest/globals';

import { SingleShardRouter } from './single-shard.router.js';

describe(SingleShardRouter.name, () => {
  it('routes every key to its one shard and lists only that shard', async () => {
    const shard = { id: 0, name: 'users_0' };
    const router = new SingleShardRouter(shard);
    for (const key of [0n, 1n, 2n ** 62n]) {
      expect(router.shardFor(key)).toBe(shard);
      await expect(router.locate(key)).resolves.toBe(shard);
    }
    expect(router.shards()).toEqual([shard]);
  });
});
