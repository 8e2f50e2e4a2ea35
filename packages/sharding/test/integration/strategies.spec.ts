import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { INSTAGRAM_LAYOUT, INSTAGRAM_MAX_SHARD, InstagramGenerator } from '@platform/ids';

import { DirectoryShardRouter } from '../../src/directory.router.js';
import { planDoubling } from '../../src/doubling.plan.js';
import { InMemoryShardDirectory } from '../../src/in-memory.directory.js';
import { LogicalShardRouter } from '../../src/logical-shard.router.js';
import { ModuloShardRouter } from '../../src/modulo.router.js';
import { RangeShardRouter, type ShardRange } from '../../src/range.router.js';
import { ShardMap } from '../../src/shard-map.js';
import type { Shard, ShardLocator } from '../../src/shard-router.js';
import { routeAll, ShardDatabases } from '../shard-databases.js';

/** Keys each strategy writes: hundreds per shard, written and read back in well under a second. */
const KEY_COUNT = 4_000;

const shardsNamed = (count: number): Shard[] =>
  Array.from({ length: count }, (_, id) => ({ id, name: `shard_${id}` }));

/** The keys two routers send to different shards, in key order. */
async function routedDifferently<K extends bigint | string>(
  a: ShardLocator<K>,
  b: ShardLocator<K>,
  keys: readonly K[],
): Promise<string[]> {
  const [fromA, fromB] = await Promise.all([
    Promise.all(keys.map((key) => a.locate(key))),
    Promise.all(keys.map((key) => b.locate(key))),
  ]);
  return keys.filter((_, i) => fromA[i]!.name !== fromB[i]!.name).map(String);
}

/** Every key is in the database of the shard `router` names for it, and in no other. */
async function expectEveryKeyWhereRouted<K extends bigint | string>(
  databases: ShardDatabases,
  router: ShardLocator<K>,
  keys: readonly K[],
): Promise<void> {
  expect(await databases.missedBy(router, keys)).toEqual([]);
  // Each key was found where routed; equal row counts then leave no room for a copy anywhere else.
  const routed = await routeAll(router, keys);
  const expected = Object.fromEntries(databases.names.map((name) => [name, routed.get(name)?.length ?? 0]));
  expect(await databases.rowCounts()).toEqual(expected);
}

describe(RangeShardRouter.name, () => {
  const shards = shardsNamed(4);
  // Uneven ranges, so the shards hold different numbers of rows.
  const bounds = [0n, 500_000n, 2_000_000n, 2_500_000n, 4_000_000n];
  const ranges: ShardRange[] = shards.map((shard, i) => ({ from: bounds[i]!, to: bounds[i + 1]!, shard }));
  // Keys across every range, both ends of each range included.
  const keys = [
    ...Array.from({ length: KEY_COUNT }, (_, i) => BigInt(i) * 1_000n),
    ...ranges.map((range) => range.to - 1n),
  ];
  const router = new RangeShardRouter(ranges);
  let databases: ShardDatabases;

  beforeAll(async () => {
    databases = await ShardDatabases.create('range', shards);
    await databases.write(router, keys);
  });

  afterAll(() => databases.drop());

  it('finds every key on the shard whose range holds it, and on no other', async () => {
    await expectEveryKeyWhereRouted(databases, router, keys);
    expect(await databases.rowCounts()).toEqual({
      shard_0: 501,
      shard_1: 1_501,
      shard_2: 501,
      shard_3: 1_501,
    });
  });

  it('routes every key the same in a second router built from the same ranges', async () => {
    // Listed in another order, as another instance's configuration might list them.
    const second = new RangeShardRouter([...ranges].reverse());
    expect(await routedDifferently(router, second, keys)).toEqual([]);
    await expectEveryKeyWhereRouted(databases, second, keys);
  });
});

describe(ModuloShardRouter.name, () => {
  const shards = shardsNamed(4);
  // Consecutive ids, as a sequence hands them out.
  const keys = Array.from({ length: KEY_COUNT }, (_, i) => 10_000_000_000n + BigInt(i));
  const router = new ModuloShardRouter(shards);
  let databases: ShardDatabases;

  beforeAll(async () => {
    databases = await ShardDatabases.create('modulo', shards);
    await databases.write(router, keys);
  });

  afterAll(() => databases.drop());

  it('finds every key on the shard its hash picks, and on no other', async () => {
    await expectEveryKeyWhereRouted(databases, router, keys);
    // Neighbouring ids still spread over every shard.
    for (const count of Object.values(await databases.rowCounts())) expect(count).toBeGreaterThan(800);
  });

  it('routes every key the same in a second router over the same shard list', async () => {
    const second = new ModuloShardRouter(shardsNamed(4));
    expect(await routedDifferently(router, second, keys)).toEqual([]);
    await expectEveryKeyWhereRouted(databases, second, keys);
  });
});

describe(DirectoryShardRouter.name, () => {
  const shards = shardsNamed(4);
  const keys = Array.from({ length: KEY_COUNT }, (_, i) => `user-${i}@example.com`);
  // A directory may place any key anywhere; here the keys go round the shards.
  const placements = keys.map((key, i) => [key, shards[i % shards.length]!.name] as const);
  const directory = () => {
    const made = new InMemoryShardDirectory<string>();
    for (const [key, shard] of placements) made.assign(key, shard);
    return made;
  };
  const router = new DirectoryShardRouter({ directory: directory(), shards });
  let databases: ShardDatabases;

  beforeAll(async () => {
    databases = await ShardDatabases.create('directory', shards);
    await databases.write(router, keys);
  });

  afterAll(() => databases.drop());

  it('finds every key on the shard its directory entry names, and on no other', async () => {
    await expectEveryKeyWhereRouted(databases, router, keys);
    expect(await databases.rowCounts()).toEqual({
      shard_0: 1_000,
      shard_1: 1_000,
      shard_2: 1_000,
      shard_3: 1_000,
    });
  });

  it('routes every key the same in a second router over a copy of the directory, without a cache', async () => {
    const second = new DirectoryShardRouter({ directory: directory(), shards, cacheSize: 0 });
    expect(await routedDifferently(router, second, keys)).toEqual([]);
    await expectEveryKeyWhereRouted(databases, second, keys);
  });
});

/**
 * Moves the rows of `logicals` from `source` to `target` the way a resharding job does: copy, then
 * delete. The logical shard is read from the id's bits in SQL, not asked of the router under test.
 */
async function moveLogicalShards(
  databases: ShardDatabases,
  logicals: readonly number[],
  source: Shard,
  target: Shard,
): Promise<void> {
  const { rows } = await databases
    .pool(source.name)
    .query<{ key: string }>(
      `SELECT key FROM items WHERE (key::int8 >> ${INSTAGRAM_LAYOUT.sequenceBits}) & ${INSTAGRAM_MAX_SHARD} = ANY($1::int[])`,
      [logicals],
    );
  const keys = rows.map((row) => row.key);
  await databases.insert(target.name, keys);
  await databases.pool(source.name).query('DELETE FROM items WHERE key = ANY($1::text[])', [keys]);
}

describe(LogicalShardRouter.name, () => {
  const IDS_PER_LOGICAL_SHARD = 4;
  const shards = shardsNamed(4);
  const spare: Shard = { id: 4, name: 'shard_4' };
  const map = ShardMap.initial(shards);
  // A few ids minted on every logical shard, as id-service does: each carries its logical shard.
  const generator = new InstagramGenerator();
  const idsByLogical = Array.from({ length: map.logicalShards }, (_, logical) =>
    generator.nextBatch(logical, IDS_PER_LOGICAL_SHARD),
  );
  const ids = idsByLogical.flat();
  const router = new LogicalShardRouter(map);
  let databases: ShardDatabases;

  beforeAll(async () => {
    // The spare database stays empty until logical shards move onto it.
    databases = await ShardDatabases.create('logical', [...shards, spare]);
    await databases.write(router, ids);
  });

  afterAll(() => databases.drop());

  it('finds every id on the shard its logical shard maps to, and on no other', async () => {
    await expectEveryKeyWhereRouted(databases, router, ids);
    expect(await databases.rowCounts()).toEqual({
      shard_0: 1_024,
      shard_1: 1_024,
      shard_2: 1_024,
      shard_3: 1_024,
      shard_4: 0,
    });
  });

  it('routes every id the same in a second router built from the same map spec', async () => {
    const second = new LogicalShardRouter(ShardMap.create(map.toSpec()));
    expect(await routedDifferently(router, second, ids)).toEqual([]);
    await expectEveryKeyWhereRouted(databases, second, ids);
  });

  describe('after half of shard_0 moves to a new database (map version 2)', () => {
    const plan = planDoubling(map, spare);
    const next = map.move(plan.moves, plan.target);
    const movedIds = plan.moves.flatMap((logical) => idsByLogical[logical]!).map(String);

    beforeAll(async () => {
      await moveLogicalShards(databases, plan.moves, plan.source, plan.target);
    });

    it('a router that took the new map finds every id, each on exactly one database', async () => {
      const current = new LogicalShardRouter(map);
      expect(current.useMap(next)).toBe(true);
      await expectEveryKeyWhereRouted(databases, current, ids);
      expect(await databases.rowCounts()).toMatchObject({ shard_0: 512, shard_4: 512 });
    });

    it('a router still on the old map misses exactly the ids of the moved logical shards', async () => {
      // Why user-service checks the map version on the shard: a stale router reads the old place.
      expect(router.map.version).toBe(1);
      expect(movedIds).toHaveLength(512);
      expect(await databases.missedBy(router, ids)).toEqual(movedIds);
    });
  });
});
