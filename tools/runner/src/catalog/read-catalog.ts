import fs from 'node:fs';
import path from 'node:path';

import {
  parseDatabaseRef,
  platformFactsSchema,
  type PlatformFacts,
  type PostgresServer,
} from './platform-facts.js';

/** A database and the server it lives on. */
export interface DatabaseSpec {
  readonly server: PostgresServer;
  readonly name: string;
}

/** What the runner needs to know to start instances of one service. */
export interface ServiceSpec {
  /** The app's directory under apps/, which is also its name (`orders-service`). */
  readonly name: string;
  /** Entry point, relative to the repository root. */
  readonly main: string;
  /** The facts of its package.json's `platform` field. */
  readonly facts: PlatformFacts;
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

/** A package.json whose `platform` field is missing a fact or has a wrong one. */
export class CatalogError extends Error {
  override readonly name = 'CatalogError';
}

/**
 * Every service under `appsDir`: each directory whose package.json has a `platform` field, ordered
 * by port with the edge last (the order `npm start` starts them in). Bad facts throw a
 * {@link CatalogError} naming the file and the field.
 */
export function readCatalog(appsDir: string): ServiceSpec[] {
  const specs: ServiceSpec[] = [];
  for (const dir of fs.readdirSync(appsDir, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    const file = path.join(appsDir, dir.name, 'package.json');
    if (!fs.existsSync(file)) continue;
    const manifest = readJson(file);
    if (manifest['platform'] === undefined) continue;
    specs.push(specFromFacts(dir.name, parseFacts(file, manifest['platform'])));
  }
  checkDependencies(specs);
  return specs.sort((a, b) => Number(a.facts.edge) - Number(b.facts.edge) || a.facts.port - b.facts.port);
}

export function specFromFacts(name: string, facts: PlatformFacts): ServiceSpec {
  const databases: DatabaseSpec[] = [];
  for (const refs of Object.values(facts.databases)) {
    for (const ref of [refs].flat()) databases.push(parseDatabaseRef(ref));
  }
  return {
    name,
    main: `apps/${name}/dist/main.js`,
    facts,
    basePort: facts.edge ? facts.port : facts.port + 1,
    defaultCount: facts.edge ? 1 : facts.scale,
    minCount: facts.edge ? 1 : 0,
    databases,
    env: (databaseUrl) => ({
      ...facts.env,
      ...Object.fromEntries(
        Object.entries(facts.databases).map(([variable, refs]) => [
          variable,
          [refs]
            .flat()
            .map((ref) => databaseUrl(parseDatabaseRef(ref).name))
            .join(','),
        ]),
      ),
    }),
  };
}

function parseFacts(file: string, value: unknown): PlatformFacts {
  const result = platformFactsSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${['platform', ...issue.path.map(String)].join('.')}: ${issue.message}`,
  );
  throw new CatalogError(`${file}: ${problems.join('; ')}`);
}

function checkDependencies(specs: readonly ServiceSpec[]): void {
  const names = new Set(specs.map((spec) => spec.name));
  for (const spec of specs) {
    for (const dependency of spec.facts.dependsOn) {
      if (!names.has(dependency)) {
        throw new CatalogError(
          `apps/${spec.name}/package.json: platform.dependsOn names "${dependency}", which is not a service ` +
            `(the services are ${[...names].join(', ')})`,
        );
      }
    }
  }
  const edges = specs.filter((spec) => spec.facts.edge);
  if (edges.length > 1) {
    throw new CatalogError(
      `only one app can be the edge; ${edges.map((s) => s.name).join(' and ')} both say so`,
    );
  }
  const byPort = new Map<number, string>();
  for (const spec of specs) {
    const other = byPort.get(spec.facts.port);
    if (other) {
      throw new CatalogError(
        `${other} and ${spec.name} both take port ${spec.facts.port}: give each its own`,
      );
    }
    byPort.set(spec.facts.port, spec.name);
  }
}

function readJson(file: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch (error) {
    throw new CatalogError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  throw new CatalogError(`${file}: not a JSON object`);
}
