import { randomBytes } from 'node:crypto';

import pg from 'pg';

import { testInfra } from './test-infra.js';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database on the run's PostgreSQL, so test files never see each other's rows. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const server = testInfra().postgresUrl;
  const name = `${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await adminQuery(server, `CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      await rollBackPrepared(url.toString()).catch(() => undefined);
      await adminQuery(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** A database with transactions still prepared (two-phase commit) cannot be dropped: roll them back. */
async function rollBackPrepared(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  // pg emits 'error' when the connection drops; unheard, it would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ gid: string }>(
      'SELECT gid FROM pg_prepared_xacts WHERE database = current_database()',
    );
    for (const { gid } of rows) await client.query(`ROLLBACK PREPARED ${client.escapeLiteral(gid)}`);
  } finally {
    await client.end();
  }
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  // pg emits 'error' when the connection drops; unheard, it would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
