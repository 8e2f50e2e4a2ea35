import net from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { createTestDatabase, type TestDatabase } from '@platform/testing';

import { pgConstraint, pgErrorCode, PG_ERROR } from '../../src/errors.js';
import { createPool, withTransaction, type Pool } from '../../src/pool.js';

let database: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  database = await createTestDatabase('pool');
  pool = createPool({ connectionString: database.url, applicationName: 'users-7f3a', max: 2 });
  await pool.query('CREATE TABLE users (id int8 PRIMARY KEY, email text NOT NULL UNIQUE)');
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

/** What another connection, outside any transaction of the test, sees. */
async function committedEmails(): Promise<string[]> {
  const observer = createPool({ connectionString: database.url, applicationName: 'observer', max: 1 });
  try {
    const { rows } = await observer.query<{ email: string }>('SELECT email FROM users ORDER BY email');
    return rows.map((row) => row.email);
  } finally {
    await observer.end();
  }
}

async function caught(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('expected the query to fail');
}

describe(withTransaction.name, () => {
  it('commits what the callback did when it resolves, and returns its result', async () => {
    const result = await withTransaction(pool, async (client) => {
      await client.query("INSERT INTO users VALUES (1, 'ada@example.com')");
      await client.query("INSERT INTO users VALUES (2, 'alan@example.com')");
      return 'done';
    });

    expect(result).toBe('done');
    expect(await committedEmails()).toEqual(['ada@example.com', 'alan@example.com']);
  });

  it('rolls everything back when the callback throws, and rethrows its error', async () => {
    const failure = new Error('payment declined');
    await expect(
      withTransaction(pool, async (client) => {
        await client.query("INSERT INTO users VALUES (3, 'grace@example.com')");
        throw failure;
      }),
    ).rejects.toBe(failure);

    expect(await committedEmails()).not.toContain('grace@example.com');
    // The connection went back to the pool clean: later writes commit normally.
    await Promise.all(
      [1, 2].map((n) => pool.query(`INSERT INTO users VALUES (${10 + n}, 'u${n}@example.com')`)),
    );
    expect(await committedEmails()).toEqual(expect.arrayContaining(['u1@example.com', 'u2@example.com']));
  });
});

describe(createPool.name, () => {
  it('returns 64-bit integers as exact bigints', async () => {
    const { rows } = await pool.query<{ big: bigint; count: bigint }>(
      'SELECT 9007199254740993::int8 AS big, count(*) AS count FROM users',
    );
    expect(rows[0]?.big).toBe(9_007_199_254_740_993n);
    expect(typeof rows[0]?.count).toBe('bigint');

    await pool.query('INSERT INTO users VALUES ($1, $2)', [9_007_199_254_740_995n, 'big@example.com']);
    const stored = await pool.query<{ id: bigint }>("SELECT id FROM users WHERE email = 'big@example.com'");
    expect(stored.rows).toEqual([{ id: 9_007_199_254_740_995n }]);
  });

  it('names its connections after the instance, for pg_stat_activity', async () => {
    const { rows } = await pool.query<{ name: string }>(
      'SELECT application_name AS name FROM pg_stat_activity WHERE pid = pg_backend_pid()',
    );
    expect(rows).toEqual([{ name: 'users-7f3a' }]);
  });

  it('has the server cancel a statement that runs past statementTimeoutMs', async () => {
    const impatient = createPool({
      connectionString: database.url,
      applicationName: 't',
      statementTimeoutMs: 200,
    });
    try {
      const started = Date.now();
      const error = await caught(impatient.query('SELECT pg_sleep(5)'));
      expect(pgErrorCode(error)).toBe('57014'); // query_canceled
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await impatient.end();
    }
  });
});

describe(`${createPool.name}: waiting for a connection`, () => {
  /** A pool of one connection that gives up opening it after 100 ms. */
  const singleConnection = (options: { checkoutTimeoutMs?: number } = {}) =>
    createPool({
      connectionString: database.url,
      applicationName: 't',
      max: 1,
      connectionTimeoutMs: 100,
      ...options,
    });

  it('gives up opening a connection after connectionTimeoutMs, also when checkouts never time out', async () => {
    // A server that accepts the TCP connection and never answers, like a hung host.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const hung = createPool({
      connectionString: `postgres://app:secret@127.0.0.1:${port}/users`,
      applicationName: 't',
      connectionTimeoutMs: 300,
      checkoutTimeoutMs: 0,
    });
    try {
      const started = Date.now();
      // Without a connect timeout the query would wait for ever: give up on it after 3 s.
      const gaveUp = new Promise<Error>((resolve) =>
        setTimeout(() => resolve(new Error('still waiting after 3 s')), 3_000).unref(),
      );
      const error = await Promise.race([caught(hung.query('SELECT 1')), gaveUp]);
      const waited = Date.now() - started;
      expect((error as Error).message).toMatch(/timeout/);
      expect(waited).toBeGreaterThanOrEqual(250);
      expect(waited).toBeLessThan(3_000);
    } finally {
      // The server goes first: a connection still being opened would hold end() up.
      for (const socket of sockets) socket.destroy();
      silent.close();
      await hung.end();
    }
  });

  it('with checkoutTimeoutMs 0, a query waits for a busy connection however long it is held', async () => {
    const single = singleConnection({ checkoutTimeoutMs: 0 });
    try {
      const held = await single.connect();
      const started = Date.now();
      const waiting = single.query<{ one: number }>('SELECT 1 AS one');
      setTimeout(() => held.release(), 400);
      expect((await waiting).rows).toEqual([{ one: 1 }]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    } finally {
      await single.end();
    }
  });

  it('by default, a query waiting for a busy connection fails after connectionTimeoutMs', async () => {
    const single = singleConnection();
    const held = await single.connect();
    try {
      const error = await caught(single.query('SELECT 1'));
      expect((error as Error).message).toBe('timeout exceeded when trying to connect');
    } finally {
      held.release();
      await single.end();
    }
  });
});

describe(pgErrorCode.name, () => {
  it('reads the SQLSTATE and constraint of a real unique violation', async () => {
    await pool.query("INSERT INTO users VALUES (20, 'dup@example.com')");
    const error = await caught(pool.query("INSERT INTO users VALUES (21, 'dup@example.com')"));

    expect(pgErrorCode(error)).toBe(PG_ERROR.uniqueViolation);
    expect(pgConstraint(error)).toBe('users_email_key');
  });

  it('reads an undefined table, and nothing from errors that are not PostgreSQL errors', async () => {
    expect(pgErrorCode(await caught(pool.query('SELECT * FROM nowhere')))).toBe(PG_ERROR.undefinedTable);
    expect(
      pgErrorCode(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toBeUndefined();
    expect(pgErrorCode(new Error('plain'))).toBeUndefined();
    expect(pgErrorCode('23505')).toBeUndefined();
    expect(pgConstraint(new Error('plain'))).toBeUndefined();
  });
});
