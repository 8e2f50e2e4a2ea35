/** A physical place rows live: one database. */
export interface Shard {
  /** Small integer, stable for the shard's lifetime. */
  readonly id: number;
  /** Human name used in logs, metrics and errors, e.g. `users_0`. */
  readonly name: string;
}

/**
 * Finds the shard that holds a key, possibly with I/O (a directory lookup). Every strategy
 * implements this, so a repository that awaits `locate` never knows which one is in use.
 */
export interface ShardLocator<K = bigint> {
  readonly strategy: string;
  /** The shard that owns `key`. */
  locate(key: K): Promise<Shard>;
  /** Every shard, for queries that must ask all of them. */
  shards(): readonly Shard[];
}

/**
 * A locator that computes the shard from the key alone, without I/O (single, range, modulo,
 * logical shards), so it can also answer synchronously.
 */
export interface ShardRouter<K = bigint> extends ShardLocator<K> {
  /** The shard that owns `key`. */
  shardFor(key: K): Shard;
}
