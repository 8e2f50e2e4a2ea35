import path from 'node:path';

import { REPO_ROOT } from '@platform/local-infra';

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
  /** Databases the service needs on the platform's PostgreSQL. */
  readonly databases: readonly string[];
  /** The service's own environment, given a connection string per database. */
  env(databaseUrl: (database: string) => string): Record<string, string>;
}

export const SERVICES: readonly ServiceSpec[] = [
  {
    name: 'id-service',
    main: 'apps/id-service/dist/main.js',
    basePort: 3101,
    defaultCount: 2,
    minCount: 0,
    databases: ['ids'],
    env: (db) => ({ DATABASE_URL: db('ids') }),
  },
  {
    name: 'user-service',
    main: 'apps/user-service/dist/main.js',
    basePort: 3201,
    defaultCount: 2,
    minCount: 0,
    databases: ['users_0'],
    env: (db) => ({ USER_SHARD_URLS: db('users_0') }),
  },
  {
    name: 'flags-service',
    main: 'apps/flags-service/dist/main.js',
    basePort: 3301,
    defaultCount: 1,
    minCount: 0,
    databases: ['flags'],
    env: (db) => ({ DATABASE_URL: db('flags') }),
  },
  {
    name: 'gateway',
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
