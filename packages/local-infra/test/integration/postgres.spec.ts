import fs from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';

// The built package: startPostgres runs its host script from dist/, next to the compiled code.
import {
  ensureDatabase,
  freePort,
  isPortFree,
  startPostgres,
  type LocalPostgres,
  type StartPostgresOptions,
} from '@platform/local-infra';

import { processesMentioning, processIsGone } from './processes.js';

const START_MS = 120_000;

let dir: string;
const started: LocalPostgres[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-infra-pg-'));
});

afterAll(async () => {
  await Promise.all(started.map((server) => server.stop()));
  fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

async function start(name: string, options: Partial<StartPostgresOptions> = {}): Promise<LocalPostgres> {
  const server = await startPostgres({
    dataDir: path.join(dir, name),
    port: await freePort(),
    logFile: path.join(dir, `${name}.log`),
    persistent: false,
    unsafeFast: true,
    ...options,
  });
  started.push(server);
  return server;
}

async function stop(server: LocalPostgres): Promise<void> {
  await server.stop();
  started.splice(started.indexOf(server), 1);
}

async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  // pg emits 'error' when the connection drops; unheard, it would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe(startPostgres.name, () => {
  it(
    'starts a real PostgreSQL that answers queries, and stops it completely',
    async () => {
      const server = await start('throwaway');

      const rows = await query<{ server_version: string }>(server.url(), 'SHOW server_version');
      expect(rows[0]?.server_version).toBe(server.version);
      expect(server.version).toMatch(/^\d+\.\d+/);
      expect(server.url()).toBe(`postgres://postgres:postgres@127.0.0.1:${server.port}/postgres`);
      expect(processesMentioning(path.join(dir, 'throwaway')).length).toBeGreaterThanOrEqual(2);

      await stop(server);
      expect(processIsGone(server.pid)).toBe(true);
      expect(processesMentioning(path.join(dir, 'throwaway'))).toEqual([]);
      expect(await isPortFree(server.port)).toBe(true);
      // Not persistent: the data directory went with it.
      expect(fs.existsSync(path.join(dir, 'throwaway'))).toBe(false);
    },
    START_MS,
  );

  it(
    'creates a database once, however often and however concurrently it is ensured',
    async () => {
      const server = await start('databases');
      await server.ensureDatabase('users');
      await Promise.all([
        server.ensureDatabase('users'),
        ensureDatabase(server.url(), 'users'),
        server.ensureDatabase('users'),
      ]);

      const rows = await query<{ count: number }>(
        server.url(),
        "SELECT count(*)::int AS count FROM pg_database WHERE datname = 'users'",
      );
      expect(rows).toEqual([{ count: 1 }]);
      expect(await query(server.url('users'), 'SELECT current_database() AS db')).toEqual([{ db: 'users' }]);
      await stop(server);
    },
    START_MS,
  );

  it(
    'keeps tables across a stop and a start on a persistent data directory',
    async () => {
      const first = await start('persistent', { persistent: true, unsafeFast: false });
      await first.ensureDatabase('notes');
      await query(first.url('notes'), "CREATE TABLE notes (text text); INSERT INTO notes VALUES ('kept')");
      await stop(first);
      expect(fs.existsSync(path.join(dir, 'persistent', 'PG_VERSION'))).toBe(true);

      const again = await start('persistent', { persistent: true, unsafeFast: false });
      expect(await query(again.url('notes'), 'SELECT text FROM notes')).toEqual([{ text: 'kept' }]);
      await stop(again);
    },
    2 * START_MS,
  );

  it('fails at once on a port already in use, naming the port', async () => {
    const busy = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => busy.listen(port, '127.0.0.1', resolve));
    try {
      const startedAt = Date.now();
      await expect(start('refused', { port })).rejects.toThrow(
        `port ${port} is already in use, so PostgreSQL cannot listen there`,
      );
      expect(Date.now() - startedAt).toBeLessThan(2_000);
      expect(fs.existsSync(path.join(dir, 'refused'))).toBe(false);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });
});
