import type { ShardDirectory } from './shard-directory.js';

/** A directory held in a Map: for tests, experiments, and as the reference a DB-backed one matches. */
export class InMemoryShardDirectory<K> implements ShardDirectory<K> {
  private readonly entries = new Map<K, string>();

  lookup(key: K): Promise<string | undefined> {
    return Promise.resolve(this.entries.get(key));
  }

  /** Place `key` on `shard` (a new key, or a move: then invalidate the routers' cached entry). */
  assign(key: K, shard: string): void {
    this.entries.set(key, shard);
  }

  remove(key: K): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
