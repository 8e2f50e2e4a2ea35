import path from 'node:path';

import { REPO_ROOT } from '@platform/local-infra';

/**
 * The platform's two PostgreSQL servers. Sharded databases alternate between them, so shards
 * really live on separate servers; `npm start` runs both unless POSTGRES_URL names one for all.
 */
export type PostgresServer = 'a' | 'b';
export const POSTGRES_SERVERS: readonly PostgresServer[] = ['a', 'b'];

/** A database and the server it lives on. */
export interface DatabaseSpec {
  readonly server: PostgresServer;
  readonly name: string;
}

/** What the runner needs to know to start instances of one service. */
export interface ServiceSpec {
  readonly name: string;
  /** Entry point, relative to the repository root. */
  readonly main: string;
  /** First port tried for instance 1; later instances take the next free ones. */
  readonly basePort: number;
  readonly defaultCount: number;
  /** At least this many instances (the gateway is the way in). */
  readonly minCount: number;
  /** Databases the service needs, each on one of the platform's PostgreSQL servers. */
  readonly databases: readonly DatabaseSpec[];
  /** The service's own environment, given a connection string per database name. */
  env(databaseUrl: (database: string) => string): Record<string, string>;
}

/** user-service's shards in shard order: neighbours sit on different servers. */
const USER_SHARDS: readonly DatabaseSpec[] = [
  { server: 'a', name: 'users_0' },
  { server: 'b', name: 'users_1' },
  { server: 'a', name: 'users_2' },
  { server: 'b', name: 'users_3' },
  { server: 'a', name: 'users_4' },
  { server: 'b', name: 'users_5' },
];
/** The first shards hold the users at first; the rest are spares for online resharding. */
const USER_INITIAL_SHARDS = 4;

/** The edge: every request comes in through it, so it is never released or stopped on its own. */
export const GATEWAY_SERVICE = 'gateway';

export const SERVICES: readonly ServiceSpec[] = [
  {
    name: 'id-service',
    main: 'apps/id-service/dist/main.js',
    basePort: 3101,
    defaultCount: 2,
    minCount: 0,
    databases: [{ server: 'a', name: 'ids' }],
    env: (db) => ({ DATABASE_URL: db('ids') }),
  },
  {
    name: 'user-service',
    main: 'apps/user-service/dist/main.js',
    basePort: 3201,
    defaultCount: 2,
    minCount: 0,
    databases: [{ server: 'a', name: 'users_catalog' }, ...USER_SHARDS],
    env: (db) => ({
      USER_CATALOG_URL: db('users_catalog'),
      USER_SHARD_URLS: USER_SHARDS.map((shard) => db(shard.name)).join(','),
      USER_INITIAL_SHARDS: String(USER_INITIAL_SHARDS),
    }),
  },
  {
    name: 'flags-service',
    main: 'apps/flags-service/dist/main.js',
    basePort: 3301,
    defaultCount: 1,
    minCount: 0,
    databases: [{ server: 'a', name: 'flags' }],
    env: (db) => ({ DATABASE_URL: db('flags') }),
  },
  {
    name: GATEWAY_SERVICE,
    main: 'apps/gateway/dist/main.js',
    basePort: 8080,
    defaultCount: 1,
    minCount: 1,
    databases: [],
    env: () => ({}),
  },
];

export function serviceSpec(name: string): ServiceSpec {
  const spec = SERVICES.find((s) => s.name === name);
  if (!spec)
    throw new Error(`unknown service "${name}"; the services are ${SERVICES.map((s) => s.name).join(', ')}`);
  return spec;
}

export function entryPoint(spec: ServiceSpec): string {
  return path.join(REPO_ROOT, spec.main);
}

/**
 * `spec`'s environment, with each database name it uses resolved to a connection string on the
 * server the database lives on (`serverUrls`: an admin connection string per server).
 */
export function serviceEnv(
  spec: ServiceSpec,
  serverUrls: Readonly<Record<PostgresServer, string>>,
): Record<string, string> {
  return spec.env((name) => {
    const database = spec.databases.find((d) => d.name === name);
    if (!database) {
      throw new Error(
        `${spec.name} uses database "${name}", which is not among its databases: ` +
          'add it to its `databases` in tools/runner/src/catalog.ts',
      );
    }
    return withDatabase(serverUrls[database.server], name);
  });
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
