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
