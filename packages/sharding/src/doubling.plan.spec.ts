import { describe, expect, it } from '@jest/globals';

import { planDoubling } from './doubling.plan.js';
import { ShardMap } from './shard-map.js';

const shards = (count: number) => Array.from({ length: count }, (_, id) => ({ id, name: `users_${id}` }));

describe(planDoubling.name, () => {
  it('moves the upper half of the largest shard onto the new one', () => {
    const map = ShardMap.initial(shards(4), 16);
    const target = { id: 4, name: 'users_4' };
    const plan = planDoubling(map, target);
    expect(plan.source.name).toBe('users_0');
    expect(plan.moves).toEqual([2, 3]);
    const next = map.move(plan.moves, plan.target);
    expect(next.logicalShardsOf('users_0')).toEqual([0, 1]);
    expect(next.logicalShardsOf('users_4')).toEqual([2, 3]);
  });

  it('moves exactly the planned logical shards and nothing else', () => {
    const map = ShardMap.initial(shards(4));
    const plan = planDoubling(map, { id: 4, name: 'users_4' }, 'users_2');
    const next = map.move(plan.moves, plan.target);
    const changed = Array.from({ length: map.logicalShards }, (_, l) => l).filter(
      (logical) => next.physicalOf(logical).name !== map.physicalOf(logical).name,
    );
    expect(changed).toEqual(plan.moves);
    expect(changed).toHaveLength(128);
    expect(new Set(changed.map((logical) => map.physicalOf(logical).name))).toEqual(new Set(['users_2']));
  });

  it('doubles 4 shards to 8 by splitting each once, moving half of all logical shards', () => {
    const start = ShardMap.initial(shards(4));
    let map = start;
    for (let id = 4; id < 8; id++) {
      const plan = planDoubling(map, { id, name: `users_${id}` });
      map = map.move(plan.moves, plan.target);
    }
    expect(map.version).toBe(5);
    for (const shard of map.shards) expect(map.logicalShardsOf(shard.name)).toHaveLength(128);
    const moved = Array.from({ length: 1_024 }, (_, l) => l).filter(
      (l) => map.physicalOf(l).name !== start.physicalOf(l).name,
    );
    expect(moved).toHaveLength(512);
  });

  it('refuses a target that already holds data, an unknown source, and a source too small to split', () => {
    const map = ShardMap.initial(shards(2), 3);
    expect(() => planDoubling(map, shards(2)[1]!)).toThrow('already holds logical shards');
    expect(() => planDoubling(map, { id: 5, name: 'users_5' }, 'users_9')).toThrow('users_9 is not in map');
    expect(() => planDoubling(map, { id: 5, name: 'users_5' }, 'users_1')).toThrow('at least 2 are needed');
  });
});
