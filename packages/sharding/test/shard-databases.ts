import { createPool, type Pool } from '@platform/postgres';
import { createTestDatabase, type TestDatabase } from '@platform/testing';

import type { Shard, ShardLocator } from '../src/shard-router.js';

/** Rows per INSERT. */
const BATCH_SIZE = 500;

/**
 * A fresh database per shard on the run's PostgreSQL, each with the same `items` table, and the
 * SQL a service would run against them. Each row records the shard its writer routed it to.
 */
export class ShardDatabases {
  private constructor(
    private readonly databases: readonly TestDatabase[],
    private readonly pools: ReadonlyMap<string, Pool>,
  ) {}

  static async create(label: string, shards: readonly Shard[]): Promise<ShardDatabases> {
    const databases = await Promise.all(shards.map((shard) => createTestDatabase(`${label}_${shard.name}`)));
    const pools = new Map(
      shards.map((shard, i) => [
        shard.name,
        createPool({ connectionString: databases[i]!.url, applicationName: `${label}-shards`, max: 2 }),
      ]),
    );
    await Promise.all(
      [...pools.values()].map((pool) =>
        pool.query('CREATE TABLE items (key text PRIMARY KEY, shard text NOT NULL)'),
      ),
    );
    return new ShardDatabases(databases, pools);
  }

  get names(): string[] {
    return [...this.pools.keys()];
  }

  pool(name: string): Pool {
    const pool = this.pools.get(name);
    if (pool === undefined)
      throw new Error(`no database for shard ${name}; there are: ${this.names.join(', ')}`);
    return pool;
  }

  /** Writes every key to the database of the shard `router` picks for it, in batches. */
  async write<K extends bigint | string>(router: ShardLocator<K>, keys: readonly K[]): Promise<void> {
    const routed = await routeAll(router, keys);
    await Promise.all([...routed].map(([name, shardKeys]) => this.insert(name, shardKeys)));
  }

  /** Inserts `keys` into the database of shard `name`, each row recording that shard. */
  async insert(name: string, keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += BATCH_SIZE)
      await this.pool(name).query(
        'INSERT INTO items (key, shard) SELECT key, $2 FROM unnest($1::text[]) key',
        [keys.slice(i, i + BATCH_SIZE), name],
      );
  }

  /**
   * The keys a reader using `router` does not find, in key order: for each key only the database of
   * the shard the router names is asked, and the row there must record that shard.
   */
  async missedBy<K extends bigint | string>(router: ShardLocator<K>, keys: readonly K[]): Promise<string[]> {
    const routed = await routeAll(router, keys);
    const found = new Set<string>();
    for (const [name, shardKeys] of routed) {
      const { rows } = await this.pool(name).query<{ key: string }>(
        'SELECT key FROM items WHERE key = ANY($1::text[]) AND shard = $2',
        [shardKeys, name],
      );
      for (const row of rows) found.add(row.key);
    }
    return keys.map(String).filter((key) => !found.has(key));
  }

  /** How many rows each shard's database holds, by shard name. */
  async rowCounts(): Promise<Record<string, number>> {
    const counts = await Promise.all(
      [...this.pools].map(async ([name, pool]) => {
        const { rows } = await pool.query<{ count: number }>('SELECT count(*)::int AS count FROM items');
        return [name, rows[0]!.count] as const;
      }),
    );
    return Object.fromEntries(counts);
  }

  async drop(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.end()));
    await Promise.all(this.databases.map((database) => database.drop()));
  }
}

/** The keys, as stored, that `router` sends to each shard, by shard name. */
export async function routeAll<K extends bigint | string>(
  router: ShardLocator<K>,
  keys: readonly K[],
): Promise<Map<string, string[]>> {
  const shards = await Promise.all(keys.map((key) => router.locate(key)));
  const routed = new Map<string, string[]>();
  keys.forEach((key, i) => {
    const name = shards[i]!.name;
    const shardKeys = routed.get(name) ?? [];
    shardKeys.push(String(key));
    routed.set(name, shardKeys);
  });
  return routed;
}
