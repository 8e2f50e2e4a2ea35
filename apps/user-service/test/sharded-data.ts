import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ensureDatabase, freePort, startPostgres, type LocalPostgres } from '@platform/local-infra';
import { createPool, type Pool } from '@platform/postgres';
import { logicalShardOf, ShardMap, type ShardMapSpec } from '@platform/sharding';
import { createTestDatabase, uniqueTopic, type TestDatabase } from '@platform/testing';

import type { UserServiceData } from './user-service.harness.js';

/**
 * A second PostgreSQL server of the test's own, next to the run's: shards on two servers, and one
 * the test can stop and start again (its data kept, like a real server's disk).
 */
export class SecondServer {
  private server: LocalPostgres | undefined;
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'user-shards-b-'));

  private constructor(private readonly port: number) {
    fs.chmodSync(this.dir, 0o755);
  }

  static async start(): Promise<SecondServer> {
    const second = new SecondServer(await freePort());
    await second.resume();
    return second;
  }

  url(database: string): string {
    const url = new URL(`postgres://postgres:postgres@127.0.0.1:${this.port}/`);
    url.pathname = `/${database}`;
    return url.toString();
  }

  async createDatabase(label: string): Promise<string> {
    const name = `${label}_${randomBytes(4).toString('hex')}`;
    await ensureDatabase(this.url('postgres'), name);
    return this.url(name);
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }

  async resume(): Promise<void> {
    this.server = await startPostgres({
      dataDir: path.join(this.dir, 'data'),
      port: this.port,
      logFile: path.join(this.dir, 'postgres.log'),
      persistent: true,
      unsafeFast: true,
    });
  }

  async destroy(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A catalog and four shard databases on two servers (0 and 2 on the run's server, 1 and 3 on the
 * second), plus a spare on the run's server for resharding.
 */
export class ShardedData {
  readonly pools = new Map<string, Pool>();
  catalog!: Pool;

  private constructor(
    readonly second: SecondServer,
    private readonly databases: TestDatabase[],
    readonly data: UserServiceData,
  ) {}

  static async create(label: string, spares = 1): Promise<ShardedData> {
    const second = await SecondServer.start();
    const [catalog, s0, s2, ...spareDatabases] = await Promise.all([
      createTestDatabase(`${label}_catalog`),
      createTestDatabase(`${label}_s0`),
      createTestDatabase(`${label}_s2`),
      ...Array.from({ length: spares }, (_, i) => createTestDatabase(`${label}_spare${i}`)),
    ]);
    const [s1, s3] = await Promise.all([
      second.createDatabase(`${label}_s1`),
      second.createDatabase(`${label}_s3`),
    ]);
    const data: UserServiceData = {
      catalogUrl: catalog.url,
      shardUrls: [s0.url, s1, s2.url, s3, ...spareDatabases.map((db) => db.url)],
      initialShards: 4,
      shardMapTopic: uniqueTopic(`${label}-shard-map`),
    };
    const sharded = new ShardedData(second, [catalog, s0, s2, ...spareDatabases], data);
    sharded.catalog = createPool({ connectionString: catalog.url, applicationName: 'sharded-data' });
    for (const url of data.shardUrls)
      sharded.pools.set(
        new URL(url).pathname.slice(1),
        createPool({ connectionString: url, applicationName: 'sharded-data' }),
      );
    return sharded;
  }

  /** Shard names in USER_SHARD_URLS order. */
  get shardNames(): string[] {
    return [...this.pools.keys()];
  }

  get spare(): string {
    return this.shardNames[4]!;
  }

  /** The spare shards (after the four that hold users at first), for resharding onto. */
  get spares(): string[] {
    return this.shardNames.slice(4);
  }

  /** The shard names on the second server. */
  get onSecondServer(): string[] {
    return [this.shardNames[1]!, this.shardNames[3]!];
  }

  async currentMap(): Promise<ShardMap> {
    const { rows } = await this.catalog.query<{ spec: ShardMapSpec }>(
      'SELECT spec FROM shard_maps ORDER BY version DESC LIMIT 1',
    );
    return ShardMap.create(rows[0]!.spec);
  }

  /**
   * Every user row each shard owns (joined with its owned logical shards), as `id -> {shard,
   * email, name}`; a user found on two shards throws.
   */
  async ownedRows(): Promise<Map<string, { shard: string; email: string; name: string }>> {
    const rows = new Map<string, { shard: string; email: string; name: string }>();
    for (const [shard, pool] of this.pools) {
      const result = await pool.query<{ id: bigint; email: string; name: string }>(
        'SELECT u.id, u.email, u.name FROM users u JOIN owned_shards o ON o.logical_shard = u.logical_shard',
      );
      for (const row of result.rows) {
        const id = String(row.id);
        const other = rows.get(id);
        if (other) throw new Error(`user ${id} is owned by both ${other.shard} and ${shard}`);
        rows.set(id, { shard, email: row.email, name: row.name });
      }
    }
    return rows;
  }

  /** The email lookup index as `lower(email) -> id`. */
  async lookupIndex(): Promise<Map<string, string>> {
    const { rows } = await this.catalog.query<{ email: string; user_id: bigint }>(
      'SELECT email, user_id FROM email_lookup',
    );
    return new Map(rows.map((r) => [r.email, String(r.user_id)]));
  }

  /** Transactions left prepared on any shard. */
  async preparedCount(): Promise<number> {
    let n = 0;
    for (const pool of this.pools.values())
      n += (
        await pool.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM pg_prepared_xacts WHERE database = current_database()',
        )
      ).rows[0]!.n;
    return n;
  }

  async destroy(): Promise<void> {
    await Promise.allSettled([this.catalog?.end(), ...[...this.pools.values()].map((p) => p.end())]);
    await Promise.allSettled(this.databases.map((db) => db.drop()));
    await this.second.destroy();
  }
}

/** Endless distinct emails, `<prefix>-<n>@example.com`, whose logical shard (of 1,024) is in `logicals`. */
export function emailsOn(logicals: ReadonlySet<number>, prefix = 'moving'): () => string {
  let n = 0;
  return () => {
    for (;;) {
      const email = `${prefix}-${n++}@example.com`;
      if (logicals.has(logicalShardOf(email, 1024))) return email;
    }
  };
}
