/**
 * The index a directory router asks: key → name of the physical shard holding it. In memory for
 * tests and experiments ({@link InMemoryShardDirectory}); a catalog table in PostgreSQL in a service.
 */
export interface ShardDirectory<K> {
  /** The shard name assigned to `key`, or undefined when the key has no entry. */
  lookup(key: K): Promise<string | undefined>;
}
