import { KeyNotInDirectoryError, UnknownShardError } from './errors.js';
import type { ShardDirectory } from './shard-directory.js';
import type { Shard, ShardLocator } from './shard-router.js';

export interface DirectoryRouterOptions<K> {
  readonly directory: ShardDirectory<K>;
  /** The physical shards the directory may name. */
  readonly shards: readonly Shard[];
  /**
   * About how many recently used entries are kept in memory. Default 100,000; 0 turns the cache off.
   */
  readonly cacheSize?: number;
}

/**
 * Key → shard looked up in a directory (an "index server"). Any key can live anywhere and a move is
 * one entry changed, but every first request for a key pays a lookup and the directory is one more
 * thing that can be down, so answers are cached and concurrent lookups of one key share a single
 * request. After moving a key, {@link invalidate} it.
 *
 * The cache is two generations of `cacheSize / 2` entries: hits in the older one move to the
 * younger one, and when the younger one is full it becomes the older one and the old one is dropped.
 * That keeps recently used keys like an LRU list does, in O(1) per request; evicting from the head
 * of one big Map instead slows to a crawl in V8 (deleted entries stay in the table until a rehash).
 *
 * Only a {@link ShardLocator}: the answer may need I/O, so there is no synchronous `shardFor`.
 */
export class DirectoryShardRouter<K extends bigint | string = bigint> implements ShardLocator<K> {
  readonly strategy = 'directory';
  private readonly directory: ShardDirectory<K>;
  private readonly all: readonly Shard[];
  private readonly byName: ReadonlyMap<string, Shard>;
  private readonly generationSize: number;
  private young = new Map<K, Shard>();
  private old = new Map<K, Shard>();
  private readonly pending = new Map<K, Promise<Shard>>();

  constructor(options: DirectoryRouterOptions<K>) {
    this.directory = options.directory;
    this.all = options.shards;
    this.byName = new Map(options.shards.map((shard) => [shard.name, shard]));
    const cacheSize = options.cacheSize ?? 100_000;
    if (!(cacheSize >= 0)) throw new RangeError(`cacheSize must be >= 0, got ${cacheSize}`);
    this.generationSize = cacheSize === 0 ? 0 : Math.max(1, Math.floor(cacheSize / 2));
  }

  locate(key: K): Promise<Shard> {
    const cached = this.young.get(key) ?? this.old.get(key);
    if (cached !== undefined) {
      if (!this.young.has(key)) this.remember(key, cached);
      return Promise.resolve(cached);
    }
    let pending = this.pending.get(key);
    if (pending === undefined) {
      pending = this.fetch(key).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }

  /** Forget the cached shard of `key`, e.g. after the directory moved it. */
  invalidate(key: K): void {
    this.young.delete(key);
    this.old.delete(key);
  }

  shards(): readonly Shard[] {
    return this.all;
  }

  private async fetch(key: K): Promise<Shard> {
    const name = await this.directory.lookup(key);
    if (name === undefined) throw new KeyNotInDirectoryError(String(key));
    const shard = this.byName.get(name);
    if (shard === undefined) throw new UnknownShardError(name, [...this.byName.keys()]);
    this.remember(key, shard);
    return shard;
  }

  private remember(key: K, shard: Shard): void {
    if (this.generationSize === 0) return;
    this.young.set(key, shard);
    if (this.young.size >= this.generationSize) {
      this.old = this.young;
      this.young = new Map();
    }
  }
}
