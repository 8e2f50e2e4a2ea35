import { hashKey } from './internal/key-hash.js';
import type { Shard, ShardRouter } from './shard-router.js';

/**
 * hash(key) mod N: even shares with no table to keep, but N is baked into every key's placement,
 * so going from N to N+1 shards moves about N/(N+1) of all keys (and N→2N moves half).
 *
 * The hash is {@link hashKey}: FNV-1a 32-bit over the UTF-8 bytes of the key's text (a bigint as
 * its decimal digits) with MurmurHash3's fmix32 finaliser; shard = hash mod N over `shards` in the
 * order given.
 */
export class ModuloShardRouter<K extends bigint | string = bigint> implements ShardRouter<K> {
  readonly strategy = 'modulo';

  constructor(private readonly all: readonly Shard[]) {
    if (all.length === 0) throw new RangeError('a modulo router needs at least one shard');
  }

  shardFor(key: K): Shard {
    return this.all[hashKey(key) % this.all.length]!;
  }

  locate(key: K): Promise<Shard> {
    return Promise.resolve(this.shardFor(key));
  }

  shards(): readonly Shard[] {
    return this.all;
  }
}
