import { logicalShardOf } from './logical-shard-key.js';
import type { ShardMap } from './shard-map.js';
import type { Shard, ShardRouter } from './shard-router.js';

/**
 * Keys → a fixed number of logical shards (1,024 by default) → physical shards through a versioned
 * {@link ShardMap}: the scheme user-service uses. A key's logical shard never changes; growing moves
 * whole logical shards between databases (see `planDoubling`), and a router follows by taking the
 * newer map. See {@link logicalShardOf} for how keys are placed.
 */
export class LogicalShardRouter<K extends bigint | string = bigint> implements ShardRouter<K> {
  readonly strategy = 'logical';
  private current: ShardMap;

  constructor(map: ShardMap) {
    this.current = map;
  }

  /** The map in use. */
  get map(): ShardMap {
    return this.current;
  }

  /** Take `next` if it is newer than the map in use; returns whether it was taken. */
  useMap(next: ShardMap): boolean {
    if (next.version <= this.current.version) return false;
    this.current = next;
    return true;
  }

  logicalShardOf(key: K): number {
    return logicalShardOf(key, this.current.logicalShards);
  }

  shardFor(key: K): Shard {
    return this.current.physicalOf(this.logicalShardOf(key));
  }

  locate(key: K): Promise<Shard> {
    // A throw inside the executor rejects the promise: callers awaiting `locate` never see a sync throw.
    return new Promise((resolve) => resolve(this.shardFor(key)));
  }

  shards(): readonly Shard[] {
    return this.current.shards;
  }
}
