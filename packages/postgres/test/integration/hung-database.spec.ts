import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';

import {
  createTestDatabase,
  eventually,
  startFreezableProxy,
  type FreezableProxy,
  type TestDatabase,
} from '@platform/testing';

import { createClient } from '../../src/client.js';
import { resolveDeadlines } from '../../src/deadlines.js';
import { migrate } from '../../src/migrate.js';
import { createPool, withTransaction, type Pool, type PoolOptions } from '../../src/pool.js';
import { isDatabaseUnreachable } from '../../src/unavailable.js';

// A PostgreSQL that hangs (SIGSTOP): the host is there, TCP connects, nothing answers. The real
// server sits behind a proxy that can freeze, so only the path to it hangs, never the server.

let database: TestDatabase;
let proxy: FreezableProxy;
const pools: Pool[] = [];

beforeAll(async () => {
  database = await createTestDatabase('hung');
  const server = new URL(database.url);
  proxy = await startFreezableProxy({ host: server.hostname, port: Number(server.port) });
});

afterEach(async () => {
  proxy.thaw();
  await Promise.all(pools.splice(0).map((pool) => pool.end()));
});

afterAll(async () => {
  await proxy.close();
  await database.drop();
});

/** The test database's URL, through the proxy. */
function throughProxy(): string {
  const url = new URL(database.url);
  url.hostname = proxy.host;
  url.port = String(proxy.port);
  return url.toString();
}

function pool(options: Partial<PoolOptions> = {}): Pool {
  const created = createPool({
    connectionString: throughProxy(),
    applicationName: 'hung-spec',
    max: 2,
    ...options,
  });
  pools.push(created);
  return created;
}

/** How long `work` took to fail, and with what. */
async function failure(work: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    await work;
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
  throw new Error('expected the call to fail');
}

function report(line: string): void {
  process.stdout.write(`  [measured] ${line}\n`);
}

describe('a pool in front of a hung PostgreSQL', () => {
  it('fails a query on an open connection at the client-side query timeout, with the defaults', async () => {
    const defaults = resolveDeadlines();
    const warm = pool();
    await warm.query('SELECT 1');

    proxy.freeze();
    const { error, ms } = await failure(warm.query('SELECT 1'));
    report(
      `query to a frozen server failed after ${ms.toFixed(0)} ms ` +
        `(statement timeout ${defaults.statementTimeoutMs} ms, query timeout ${defaults.queryTimeoutMs} ms)`,
    );
    expect((error as Error).message).toBe('Query read timeout');
    expect(isDatabaseUnreachable(error)).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(defaults.queryTimeoutMs - 50);
    expect(ms).toBeLessThan(defaults.queryTimeoutMs + 2_000);
  });

  it('fails opening a connection at the connect timeout', async () => {
    const cold = pool({ connectionTimeoutMs: 1_000 });
    proxy.freeze();
    const { error, ms } = await failure(cold.query('SELECT 1'));
    report(`connecting to a frozen server failed after ${ms.toFixed(0)} ms (connect timeout 1000 ms)`);
    expect(isDatabaseUnreachable(error)).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(ms).toBeLessThan(3_000);
  });

  it('recovers after the thaw: the abandoned connection is destroyed, a fresh one answers', async () => {
    const shard = pool({ statementTimeoutMs: 1_000, queryTimeoutMs: 1_500 });
    await shard.query('SELECT 1');
    proxy.freeze();
    await failure(shard.query('SELECT 1'));
    expect(shard.totalCount).toBe(0);

    proxy.thaw();
    const started = performance.now();
    await eventually(async () =>
      expect((await shard.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]),
    );
    report(`first answer after the thaw: ${(performance.now() - started).toFixed(0)} ms`);
  });

  it('gives up a transaction whose query hung at the query timeout, and destroys its connection', async () => {
    const shard = pool({ statementTimeoutMs: 1_000, queryTimeoutMs: 1_500 });
    await shard.query('SELECT 1');
    const { error, ms } = await failure(
      withTransaction(shard, async (client) => {
        proxy.freeze();
        await client.query('SELECT 1');
      }),
    );
    report(`transaction whose query hung failed after ${ms.toFixed(0)} ms (query timeout 1500 ms)`);
    expect(isDatabaseUnreachable(error)).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(1_500 - 50);
    expect(ms).toBeLessThan(1_500 + 1_500);
    expect(shard.totalCount).toBe(0);

    proxy.thaw();
    await eventually(() => shard.query('SELECT 1'));
  });

  it('bounds the ROLLBACK after a failed transaction to 0.5 s, and destroys a connection that missed it', async () => {
    const shard = pool();
    await shard.query('SELECT 1');
    const bug = new Error('a bug in the callback');
    const { error, ms } = await failure(
      withTransaction(shard, () => {
        proxy.freeze(); // the server hangs just as the transaction must be rolled back
        return Promise.reject(bug);
      }),
    );
    report(`ROLLBACK to a frozen server gave up after ${ms.toFixed(0)} ms (rollback timeout 500 ms)`);
    expect(error).toBe(bug);
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(2_000);
    expect(shard.totalCount).toBe(0);
  });

  it('does not crash the process when the server drops connections nobody is querying on', async () => {
    const shard = pool();
    const checkedOut = await shard.connect(); // between two queries of a transaction, say
    await checkedOut.query('BEGIN');
    const listener = createClient({ connectionString: throughProxy(), applicationName: 'hung-spec-listen' });
    await listener.connect();
    await listener.query('LISTEN anything');
    const seen: Error[] = [];
    listener.on('error', (error) => seen.push(error));

    proxy.cut(); // a crash: pg emits 'error' on both clients; unheard, it would be an uncaught exception

    await eventually(() =>
      expect(seen.map((e) => e.message)).toEqual(['Connection terminated unexpectedly']),
    );
    const broken = await failure(checkedOut.query('SELECT 1'));
    expect(isDatabaseUnreachable(broken.error)).toBe(true);
    checkedOut.release(broken.error as Error);
    await listener.end();

    expect((await shard.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});

describe('migrations on a pool with deadlines', () => {
  it('are not cut off by the statement or query timeout, which still hold for everything else', async () => {
    const strict = pool({ statementTimeoutMs: 200 }); // query timeout 700 ms
    const started = performance.now();
    const applied = await migrate(strict, [
      { id: '001_slow', sql: 'SELECT pg_sleep(1.2); CREATE TABLE slow (id int)' },
    ]);
    report(
      `a 1.2 s migration on a pool with 200/700 ms deadlines: applied in ${(performance.now() - started).toFixed(0)} ms`,
    );
    expect(applied).toEqual(['001_slow']);

    const { error } = await failure(strict.query('SELECT pg_sleep(1)'));
    expect((error as Error).message).toBe('canceling statement due to statement timeout');
  });
});
