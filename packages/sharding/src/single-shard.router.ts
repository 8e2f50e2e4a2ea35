import type { Shard, ShardRouter } from './shard-router.js';

/** Everything on one shard: the starting point before a second database is worth its cost. */
export class SingleShardRouter<K = bigint> implements ShardRouter<K> {
  readonly strategy = 'single';
  private readonly all: readonly Shard[];

  constructor(private readonly shard: Shard) {
    this.all = [shard];
  }

  shardFor(_key: K): Shard {
    return this.shard;
  }

  locate(key: K): Promise<Shard> {
    return Promise.resolve(this.shardFor(key));
  }

  shards(): readonly Shard[] {
    return this.all;
  }
}
