import { describe, expect, it } from '@jest/globals';
import { encodeInstagram, InstagramGenerator } from '@platform/ids';

import { planDoubling } from './doubling.plan.js';
import { InvalidShardKeyError } from './errors.js';
import { LogicalShardRouter } from './logical-shard.router.js';
import { ShardMap } from './shard-map.js';

const shards = (count: number) => Array.from({ length: count }, (_, id) => ({ id, name: `users_${id}` }));
const JAN_2026 = Date.UTC(2026, 0, 1);

describe(LogicalShardRouter.name, () => {
  it('routes an Instagram-style id to the logical shard encoded in it', () => {
    const router = new LogicalShardRouter(ShardMap.initial(shards(4)));
    const generator = new InstagramGenerator();
    for (const logical of [0, 255, 256, 700, 1_023]) {
      const id = generator.next(logical);
      expect(router.logicalShardOf(id)).toBe(logical);
      expect(router.shardFor(id).name).toBe(`users_${Math.floor(logical / 256)}`);
    }
  });

  it('routes the same key to the same shard in any router with the same map', async () => {
    const a = new LogicalShardRouter<bigint | string>(ShardMap.initial(shards(4)));
    const b = new LogicalShardRouter<bigint | string>(ShardMap.initial(shards(4)));
    const keys = [
      'ada@example.com',
      'bob@example.com',
      encodeInstagram({ timestampMs: JAN_2026, shard: 9, sequence: 3 }),
    ];
    expect(keys.map((k) => a.shardFor(k))).toEqual(keys.map((k) => b.shardFor(k)));
    await expect(a.locate('ada@example.com')).resolves.toEqual(b.shardFor('ada@example.com'));
  });

  it('spreads string keys over the logical shards by hash', () => {
    const router = new LogicalShardRouter<string>(ShardMap.initial(shards(4)));
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 20_000; i++) counts[router.shardFor(`user${i}@example.com`).id]!++;
    for (const count of counts) expect(Math.abs(count - 5_000)).toBeLessThan(400);
  });

  it('after a doubling, moves exactly the keys of the planned logical shards', () => {
    const router = new LogicalShardRouter(ShardMap.initial(shards(4)));
    const ids = Array.from({ length: 4_096 }, (_, i) =>
      encodeInstagram({ timestampMs: JAN_2026 + i, shard: (i * 7) % 1_024, sequence: 0 }),
    );
    const before = ids.map((id) => router.shardFor(id).name);
    const plan = planDoubling(router.map, { id: 4, name: 'users_4' });
    expect(router.useMap(router.map.move(plan.moves, plan.target))).toBe(true);
    const moves = new Set(plan.moves);
    ids.forEach((id, i) => {
      const moved = router.shardFor(id).name !== before[i];
      expect(moved).toBe(moves.has(router.logicalShardOf(id)));
      if (moved) expect(router.shardFor(id).name).toBe('users_4');
    });
  });

  it('keeps the newer map when handed an older or equal version', () => {
    const v1 = ShardMap.initial(shards(2), 8);
    const v2 = v1.move([7], { id: 2, name: 'users_2' });
    const router = new LogicalShardRouter(v2);
    expect(router.useMap(v1)).toBe(false);
    expect(router.useMap(v2)).toBe(false);
    expect(router.map).toBe(v2);
    expect(router.shards().map((s) => s.name)).toEqual(['users_0', 'users_1', 'users_2']);
  });

  it('refuses an id whose logical shard is beyond the map, and a negative id', async () => {
    const router = new LogicalShardRouter(ShardMap.initial(shards(2), 512));
    const id = encodeInstagram({ timestampMs: JAN_2026, shard: 600, sequence: 0 });
    expect(() => router.shardFor(id)).toThrow(InvalidShardKeyError);
    await expect(router.locate(id)).rejects.toThrow(
      'embedded logical shard 600 is beyond the 512 logical shards',
    );
    expect(() => router.shardFor(-1n)).toThrow('unsigned 64-bit');
  });
});
