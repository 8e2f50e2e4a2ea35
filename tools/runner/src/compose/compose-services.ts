import type { DatabaseSpec, ServiceSpec } from '../catalog/read-catalog.js';

/**
 * The part of docker-compose.yml that the apps' `platform` facts decide: a PostgreSQL container per
 * server an app's databases live on, and a container (or `scale` replicas) per app. The rest of the
 * file (Kafka, Prometheus, Grafana and the `x-` anchors used here) is written by hand.
 */
export interface ComposeParts {
  /** Entries under `services:`, indented two spaces. */
  readonly services: string;
  /** Entries under `volumes:`. */
  readonly volumes: string;
}

const PASSWORD = '${POSTGRES_PASSWORD:-dev-only-postgres-password}';

/** The PostgreSQL containers of one app: one per server its databases are on. */
interface PostgresContainer {
  readonly name: string;
  readonly databases: readonly string[];
}

export function composeParts(specs: readonly ServiceSpec[]): ComposeParts {
  const services: string[] = [];
  const volumes: string[] = [];
  for (const spec of specs) {
    const containers = postgresContainers(spec);
    for (const container of containers.values()) {
      services.push(postgresService(spec, container));
      volumes.push(`  ${container.name}-data:`);
    }
    services.push(appService(spec, containers));
  }
  return { services: services.join('\n\n'), volumes: volumes.join('\n') };
}

/** `postgres-<route>` when the app's databases share a server, `postgres-<route>-<server>` if not. */
function postgresContainers(spec: ServiceSpec): Map<string, PostgresContainer> {
  const servers = [...new Set(spec.databases.map((database) => database.server))];
  const base = `postgres-${spec.facts.route ?? spec.name}`;
  const containers = new Map<string, PostgresContainer>();
  for (const server of servers) {
    containers.set(server, {
      name: servers.length === 1 ? base : `${base}-${server}`,
      databases: spec.databases.filter((d) => d.server === server).map((d) => d.name),
    });
  }
  return containers;
}

function postgresService(spec: ServiceSpec, container: PostgresContainer): string {
  return [
    `  # ${spec.name}: ${container.databases.join(', ')}.`,
    `  ${container.name}:`,
    '    <<: *postgres',
    '    environment:',
    '      <<: *postgres-environment',
    `      POSTGRES_DATABASES: ${container.databases.join(',')}`,
    '    volumes:',
    `      - ${container.name}-data:/var/lib/postgresql`,
    '      - ./infra/postgres/create-databases.sh:/docker-entrypoint-initdb.d/create-databases.sh:ro',
    '    healthcheck: *postgres-healthcheck',
  ].join('\n');
}

function appService(spec: ServiceSpec, containers: ReadonlyMap<string, PostgresContainer>): string {
  const url = (name: string) => {
    const database = spec.databases.find((d) => d.name === name) as DatabaseSpec;
    const host = containers.get(database.server)?.name ?? '';
    return `postgres://platform:${PASSWORD}@${host}:5432/${name}`;
  };
  const environment = Object.entries(spec.env(url)).map(([key, value]) => envLine(key, value));
  const lines = [
    `  ${spec.name}:`,
    '    <<: *service',
    '    build:',
    '      context: .',
    '      dockerfile: infra/docker/service.Dockerfile',
    '      args:',
    `        APP: ${spec.name}`,
    '    environment:',
    '      <<: *service-environment',
    ...environment,
  ];
  // On the host's loopback only, unless PUBLISH_ADDRESS says otherwise; GATEWAY_PORT moves it.
  if (spec.facts.edge) {
    lines.push(
      '    ports:',
      `      - '\${PUBLISH_ADDRESS:-127.0.0.1}:\${GATEWAY_PORT:-${spec.facts.port}}:${spec.facts.port}'`,
    );
  }
  // `scale`, not `deploy.replicas`: docker-compose v1 ignores `deploy` (without --compatibility),
  // and both CLIs honour `scale`.
  else if (spec.facts.scale !== 1) lines.push(`    scale: ${spec.facts.scale}`);
  const dependencies = [
    ...[...containers.values()].map((container) => container.name),
    ...spec.facts.dependsOn,
  ];
  if (dependencies.length === 0) lines.push('    depends_on: *kafka-depends-on');
  else {
    lines.push('    depends_on:', '      <<: *kafka-depends-on');
    for (const dependency of dependencies) {
      lines.push(`      ${dependency}:`, '        condition: service_healthy');
    }
  }
  lines.push(
    '    healthcheck:',
    '      <<: *service-healthcheck',
    // A script in the image, not `node -e '…'`: podman's Docker API splits a CMD argument at its
    // spaces, so an inline script arrives cut in pieces (seen under npm run test:compose).
    `      test: [CMD, node, /usr/local/lib/platform/healthcheck.mjs, 'http://127.0.0.1:${spec.facts.port}/health/ready']`,
  );
  return lines.join('\n');
}

/** One `KEY: value` line; a comma-separated list gets one item per line, joined by YAML's `\`. */
function envLine(key: string, value: string): string {
  if (!value.includes(',') || value.length < 100) return `      ${key}: ${quoted(value)}`;
  const items = value.split(',');
  return [
    `      ${key}: "\\`,
    ...items.map((item, i) => `        ${item}${i < items.length - 1 ? ',\\' : '"'}`),
  ].join('\n');
}

/** Plain when YAML reads it back unchanged as a string, single-quoted otherwise. */
function quoted(value: string): string {
  return /^[A-Za-z][\w:/@.${}\-,]*$/.test(value) && !/^(true|false|null|yes|no|on|off)$/i.test(value)
    ? value
    : `'${value.replaceAll("'", "''")}'`;
}
