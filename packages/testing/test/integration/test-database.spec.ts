import { describe, expect, it } from '@jest/globals';
import pg from 'pg';

import { createTestDatabase, testInfra, uniqueTopic } from '../../src/index.js';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  // pg emits 'error' when the connection drops; unheard, it would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe(createTestDatabase.name, () => {
  it('gives each caller its own empty database on the run’s PostgreSQL, and drops it', async () => {
    const a = await createTestDatabase('isolation');
    const b = await createTestDatabase('isolation');
    expect(a.name).not.toBe(b.name);
    await query(a.url, 'CREATE TABLE only_in_a (id int)');
    const inB = await query<{ n: number }>(
      b.url,
      "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'only_in_a'",
    );
    expect(inB[0]?.n).toBe(0);

    await a.drop();
    await b.drop();
    const left = await query<{ datname: string }>(
      testInfra().postgresUrl,
      `SELECT datname FROM pg_database WHERE datname IN ('${a.name}', '${b.name}')`,
    );
    expect(left).toEqual([]);
  });
});

describe(uniqueTopic.name, () => {
  it('never hands out the same topic twice', () => {
    const topics = new Set(Array.from({ length: 1000 }, () => uniqueTopic('t')));
    expect(topics.size).toBe(1000);
    for (const topic of topics) expect(topic).toMatch(/^test\.t\.[0-9a-f]{8}$/);
  });
});
