import { inspectContainers } from '../src/podman.js';

/** The compose topology `npm run test:compose` booted, as it hands it to this suite. */
function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: this suite runs from npm run test:compose (tools/compose-test)`);
  return value;
}

export const topology = {
  project: required('COMPOSE_TEST_PROJECT'),
  gatewayUrl: required('COMPOSE_TEST_GATEWAY_URL'),
  prometheusUrl: required('COMPOSE_TEST_PROMETHEUS_URL'),
  auth: { authorization: `Bearer ${required('COMPOSE_TEST_ADMIN_TOKEN')}` },
  /** The brokers' HOST listeners (docker-compose.host-ports.yml). */
  kafkaBrokers: required('COMPOSE_TEST_KAFKA_BROKERS').split(','),
  /** postgres-users-a, published by docker-compose.host-ports.yml. */
  postgresUrl: required('COMPOSE_TEST_POSTGRES_URL'),
};

export interface Instance {
  readonly instanceId: string;
  /** host:port */
  readonly address: string;
  readonly lastHeartbeat: string;
}

export async function api(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${topology.gatewayUrl}${url}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** The registry as the gateway sees it: instances by service. */
export async function registry(): Promise<Record<string, Instance[]>> {
  const response = await api('GET', '/admin/registry', undefined, topology.auth);
  if (response.status !== 200) throw new Error(`GET /admin/registry answered ${response.status}`);
  return response.json['services'] as Record<string, Instance[]>;
}

export interface Container {
  readonly id: string;
  readonly name: string;
  /** Its address on the network the run's compose project made. */
  readonly ip: string;
  /** The host pid of its main process. */
  readonly pid: number;
  readonly restarts: number;
  readonly status: string;
  /** healthy, unhealthy, starting. */
  readonly health: string;
}

/** The containers of one compose service, e.g. `kafka-2` or `user-service`. */
export async function containersOf(service: string): Promise<Container[]> {
  const rows = await inspectContainers(
    [
      '--filter',
      `label=com.docker.compose.project=${topology.project}`,
      '--filter',
      `label=com.docker.compose.service=${service}`,
    ],
    [
      '{{.Id}}',
      '{{.Name}}',
      '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}',
      '{{.State.Pid}}',
      '{{.RestartCount}}',
      '{{.State.Status}}',
      '{{if .State.Health}}{{.State.Health.Status}}{{end}}',
    ],
  );
  return rows.map(([id = '', name = '', ip = '', pid = '0', restarts = '0', status = '', health = '']) => ({
    id,
    name,
    ip,
    pid: Number(pid),
    restarts: Number(restarts),
    status,
    health,
  }));
}

/** SIGKILL to a container's main process, from the host: a crash, not an engine command. */
export function crash(container: Container): void {
  process.kill(container.pid, 'SIGKILL');
}
