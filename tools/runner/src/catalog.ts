import path from 'node:path';

import { REPO_ROOT } from '@platform/local-infra';

import { readCatalog, type ServiceSpec } from './catalog/read-catalog.js';
import { POSTGRES_SERVERS, type PostgresServer } from './catalog/platform-facts.js';

export { CatalogError, readCatalog, specFromFacts } from './catalog/read-catalog.js';
export type { DatabaseSpec, ServiceSpec } from './catalog/read-catalog.js';
export { platformFactsSchema, TERMINAL_COLOURS, type PlatformFacts } from './catalog/platform-facts.js';
/**
 * The platform's two PostgreSQL servers. Sharded databases alternate between them, so shards
 * really live on separate servers; `npm start` runs both unless POSTGRES_URL names one for all.
 */
export { POSTGRES_SERVERS, type PostgresServer };

/** The edge: every request comes in through it, so it is never released or stopped on its own. */
export const GATEWAY_SERVICE = 'gateway';

/**
 * Every service, found from the `platform` field of each apps/<dir>/package.json (see
 * catalog/platform-facts.ts): adding an app adds it here, with no list to edit.
 */
export const SERVICES: readonly ServiceSpec[] = readCatalog(path.join(REPO_ROOT, 'apps'));

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
          'add it to `platform.databases` in its package.json',
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
