import type { ShardMap } from './shard-map.js';
import type { Shard } from './shard-router.js';

/** Which logical shards move from which physical shard to a new one. */
export interface DoublingPlan {
  readonly source: Shard;
  readonly target: Shard;
  /** Logical shards that move, ascending: the upper half of the source's. */
  readonly moves: readonly number[];
}

/**
 * Splitting one physical shard onto a new one ("doubling", as Instagram and Pinterest grew): the
 * source keeps the lower half of its logical shards and the upper half moves to `target`. Only the
 * moved logical shards' rows are copied, and no key changes its logical shard. Doubling every
 * shard once (N → 2N) moves half of all keys; adding one shard (N → N+1) moves half of one
 * shard's, leaving the others larger until they are split too.
 *
 * `source` defaults to the physical shard with the most logical shards (the lowest id on a tie).
 * Apply the plan with `map.move(plan.moves, plan.target)`.
 */
export function planDoubling(map: ShardMap, target: Shard, source?: string): DoublingPlan {
  const existing = map.shards.find((shard) => shard.name === target.name);
  if (existing !== undefined && map.logicalShardsOf(existing.name).length > 0)
    throw new RangeError(
      `target shard ${target.name} already holds logical shards; double onto an empty shard`,
    );
  const from = source === undefined ? largest(map) : map.shards.find((shard) => shard.name === source);
  if (from === undefined)
    throw new RangeError(
      `source shard ${source} is not in map version ${map.version}; it has: ${names(map)}`,
    );
  const owned = map.logicalShardsOf(from.name);
  if (owned.length < 2)
    throw new RangeError(
      `shard ${from.name} holds ${owned.length} logical shard(s); at least 2 are needed to split it`,
    );
  return { source: from, target, moves: owned.slice(Math.ceil(owned.length / 2)) };
}

function largest(map: ShardMap): Shard {
  let best: { shard: Shard; count: number } | undefined;
  for (const shard of [...map.shards].sort((a, b) => a.id - b.id)) {
    const count = map.logicalShardsOf(shard.name).length;
    if (best === undefined || count > best.count) best = { shard, count };
  }
  return best!.shard;
}

function names(map: ShardMap): string {
  return map.shards.map((shard) => shard.name).join(', ');
}
