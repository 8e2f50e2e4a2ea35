/** A physical place rows live: one database. */
export interface Shard {
  /** Small integer, stable for the shard's lifetime. */
  readonly id: number;
  /** Human name used in logs, metrics and errors, e.g. `users_0`. */
  readonly name: string;
}

/**
 * Decides which shard holds a key. Every strategy (range, modulo, directory, logical shards)
 * implements this, so the repository above it never knows which one is in use.
 */
export interface ShardRouter<K = bigint> {
  readonly strategy: string;
  /** The shard that owns `key`. */
  shardFor(key: K): Shard;
  /** Every shard, for queries that must ask all of them. */
  shards(): readonly Shard[];
}
