import { describe, expect, it } from '@jest/globals';

import { InvalidShardMapError, isInvalidShardMapError } from './errors.js';
import { DEFAULT_LOGICAL_SHARDS, ShardMap } from './shard-map.js';

const shards = (count: number) => Array.from({ length: count }, (_, id) => ({ id, name: `users_${id}` }));

function problemsOf(make: () => unknown): readonly string[] {
  try {
    make();
  } catch (error) {
    if (isInvalidShardMapError(error)) return error.problems;
    throw error;
  }
  throw new Error('expected the map to be refused');
}

describe(ShardMap.name, () => {
  it('starts at version 1 with 1,024 logical shards in equal contiguous blocks', () => {
    const map = ShardMap.initial(shards(4));
    expect(map.version).toBe(1);
    expect(map.logicalShards).toBe(DEFAULT_LOGICAL_SHARDS);
    expect(map.logicalShardsOf('users_0')).toEqual(Array.from({ length: 256 }, (_, i) => i));
    expect(map.physicalOf(256).name).toBe('users_1');
    expect(map.physicalOf(1_023).name).toBe('users_3');
  });

  it('round-trips through its data form', () => {
    const map = ShardMap.initial(shards(3), 64);
    const copy = ShardMap.create(map.toSpec());
    expect(copy.toSpec()).toEqual(map.toSpec());
  });

  it('refuses a map with a missing logical shard', () => {
    const spec = ShardMap.initial(shards(2), 8).toSpec();
    const problems = problemsOf(() =>
      ShardMap.create({ ...spec, assignments: spec.assignments.filter((a) => a.logical !== 5) }),
    );
    expect(problems).toEqual(['1 logical shard(s) are not assigned: 5']);
  });

  it('refuses a map with a logical shard assigned twice', () => {
    const spec = ShardMap.initial(shards(2), 8).toSpec();
    const make = () =>
      ShardMap.create({ ...spec, assignments: [...spec.assignments, { logical: 2, shard: 'users_1' }] });
    expect(make).toThrow(InvalidShardMapError);
    expect(problemsOf(make)).toEqual(['logical shard 2 is assigned more than once']);
  });

  it('refuses unknown physical shards, out-of-range logical shards and a bad version, all at once', () => {
    const spec = ShardMap.initial(shards(2), 4).toSpec();
    const problems = problemsOf(() =>
      ShardMap.create({
        ...spec,
        version: 0,
        assignments: [
          ...spec.assignments.slice(0, 3),
          { logical: 3, shard: 'users_7' },
          { logical: 4, shard: 'users_0' },
        ],
      }),
    );
    expect(problems).toEqual([
      'version must be a positive integer, got 0',
      'logical shard 3 is assigned to unknown shard "users_7"',
      'logical shard 4 is outside 0..3',
    ]);
    expect(() => ShardMap.create({ ...spec, shards: [...spec.shards, { id: 0, name: 'other' }] })).toThrow(
      'physical shard id 0 is listed twice',
    );
  });

  it('moves the given logical shards in a new version and leaves the old map as it was', () => {
    const before = ShardMap.initial(shards(2), 8);
    const target = { id: 2, name: 'users_2' };
    const after = before.move([1, 6], target);
    expect(after.version).toBe(2);
    expect(after.shards.map((s) => s.name)).toEqual(['users_0', 'users_1', 'users_2']);
    expect(after.logicalShardsOf('users_2')).toEqual([1, 6]);
    for (let logical = 0; logical < 8; logical++)
      if (logical !== 1 && logical !== 6) expect(after.physicalOf(logical)).toBe(before.physicalOf(logical));
    expect(before.version).toBe(1);
    expect(before.logicalShardsOf('users_2')).toEqual([]);
  });
});
