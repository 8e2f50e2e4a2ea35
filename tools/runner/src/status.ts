import net from 'node:net';

import { painter } from './output/color-support.js';
import type { Release } from './release/gateway-client.js';
import { formatMismatch, releaseMismatches, type ReleaseMismatch } from './release/release-mismatch.js';
import { isAlive, readState, type PostgresRecord, type PrometheusRecord } from './state.js';

export type InstanceState = 'ready' | 'not ready' | 'down';
export type InfraState = 'running' | 'down';

export interface InstanceStatus {
  readonly service: string;
  readonly instanceId: string;
  readonly version: string;
  readonly track: string;
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  readonly state: InstanceState;
}

export interface PostgresStatus extends PostgresRecord {
  readonly address: string;
  readonly state: InfraState;
}

export interface PrometheusStatus extends PrometheusRecord {
  /** `not started`: not on PATH or failed to start (`skipped` says which). */
  readonly state: InfraState | 'not started';
}

export interface PlatformStatus {
  readonly running: boolean;
  readonly runner?: { readonly pid: number; readonly startedAt: string };
  readonly adminToken?: string;
  readonly gatewayUrl?: string;
  readonly controlUrl?: string;
  readonly infrastructure?: {
    readonly postgres: readonly PostgresStatus[];
    readonly kafka: {
      readonly brokers: readonly string[];
      readonly pid: number | null;
      readonly managed: boolean;
      readonly state: InfraState;
    };
    readonly prometheus?: PrometheusStatus;
  };
  readonly instances: readonly InstanceStatus[];
  /**
   * Versions the gateway's releases send requests to while no running instance has them, each with
   * the command that fixes it; absent when the gateway could not be asked.
   */
  readonly releaseMismatches?: readonly ReleaseMismatch[];
}

/** Reads the runner's state file and checks every component for real (pid alive, health answers). */
export async function platformStatus(stateDir: string): Promise<PlatformStatus> {
  const state = readState(stateDir);
  if (!state || !isAlive(state.runnerPid)) return { running: false, instances: [] };
  const { postgres, kafka, prometheus } = state.infrastructure;
  const [postgresServers, kafkaState, prometheusState, instances, releases] = await Promise.all([
    Promise.all(
      postgres.map(async (server) => {
        const address = new URL(server.url).host;
        return { ...server, address, state: await infraState(address) };
      }),
    ),
    infraState(kafka.brokers[0] ?? ''),
    prometheus?.url ? infraState(new URL(prometheus.url).host) : Promise.resolve('not started' as const),
    Promise.all(
      state.instances.map(async (instance) => ({
        service: instance.service,
        instanceId: instance.instanceId,
        version: instance.version,
        track: instance.track,
        pid: instance.pid,
        port: instance.port,
        url: instance.url,
        state: isAlive(instance.pid) ? await readiness(instance.url) : ('down' as const),
      })),
    ),
    gatewayReleases(state.gatewayUrl, state.adminToken),
  ]);
  const running = instances.filter((instance) => instance.state !== 'down');
  return {
    running: true,
    runner: { pid: state.runnerPid, startedAt: state.startedAt },
    adminToken: state.adminToken,
    gatewayUrl: state.gatewayUrl,
    ...(state.controlUrl ? { controlUrl: state.controlUrl } : {}),
    infrastructure: {
      postgres: postgresServers,
      kafka: { ...kafka, state: kafkaState },
      ...(prometheus ? { prometheus: { ...prometheus, state: prometheusState } } : {}),
    },
    instances,
    ...(releases ? { releaseMismatches: releaseMismatches(releases, running) } : {}),
  };
}

/** The gateway's releases, or undefined if it does not answer (down, or still starting). */
async function gatewayReleases(gatewayUrl: string, adminToken: string): Promise<Release[] | undefined> {
  try {
    const response = await fetch(`${gatewayUrl}/admin/releases`, {
      headers: { authorization: `Bearer ${adminToken}` },
      signal: AbortSignal.timeout(2_000),
    });
    if (!response.ok) return undefined;
    return ((await response.json()) as { releases: Release[] }).releases;
  } catch {
    return undefined;
  }
}

async function readiness(url: string): Promise<InstanceState> {
  try {
    const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? 'ready' : 'not ready';
  } catch {
    return 'down';
  }
}

async function infraState(address: string): Promise<InfraState> {
  return (await tcpOpen(address)) ? 'running' : 'down';
}

function tcpOpen(address: string): Promise<boolean> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port) });
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The status as the table `npm start` and `npm run status` print. */
export function renderStatus(status: PlatformStatus, color: boolean): string {
  if (!status.running || !status.infrastructure || !status.runner) {
    return 'No platform is running. Start one with `npm start`.\n';
  }
  const { postgres, kafka, prometheus } = status.infrastructure;
  const rows: string[][] = [
    ...postgres.map((server) => [
      'postgres',
      `${server.name}, ${server.managed ? 'embedded' : 'external'}`,
      server.address,
      String(server.pid ?? '-'),
      '-',
      '-',
      server.state,
    ]),
    [
      'kafka',
      kafka.managed ? 'kraft, 1 node' : 'external',
      kafka.brokers.join(','),
      String(kafka.pid ?? '-'),
      '-',
      '-',
      kafka.state,
    ],
    ...status.instances.map((i) => [
      i.service,
      i.instanceId,
      `127.0.0.1:${i.port}`,
      String(i.pid),
      i.version,
      i.track,
      i.state,
    ]),
    ...(prometheus?.url
      ? [
          [
            'prometheus',
            'scrapes the registry',
            new URL(prometheus.url).host,
            String(prometheus.pid ?? '-'),
            '-',
            '-',
            prometheus.state,
          ],
        ]
      : []),
  ];
  const styled = painter(color);
  const paint = (state: string) =>
    styled(
      state === 'ready' || state === 'running' ? 'green' : state === 'not ready' ? 'yellow' : 'red',
      state,
    );
  const header = ['COMPONENT', 'INSTANCE', 'ADDRESS', 'PID', 'VERSION', 'TRACK', 'STATE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[], painted?: string) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? (painted ?? cell) : cell.padEnd(widths[i]! + 2)))
      .join('');
  const mismatches = (status.releaseMismatches ?? []).map(
    (mismatch) => `${styled('red', 'mismatch')}     ${formatMismatch(mismatch)}`,
  );
  return [
    line(header),
    ...rows.map((row) => line(row, paint(row.at(-1)!))),
    '',
    ...(mismatches.length > 0 ? [...mismatches, ''] : []),
    `gateway      ${status.gatewayUrl}   (try: curl -X POST '${status.gatewayUrl}/api/ids/snowflake?count=3')`,
    `admin token  ${status.adminToken}   (send "Authorization: Bearer <token>" to /admin/*)`,
    ...(status.controlUrl
      ? [`control API  ${status.controlUrl}   (releases: npm run release -- status)`]
      : []),
    ...(prometheus
      ? [
          prometheus.url
            ? `prometheus   ${prometheus.url}   (targets: ${prometheus.url}/targets, alerts: ${prometheus.url}/alerts)`
            : `prometheus   not running: ${prometheus.skipped ?? 'not started'} (see docs/observability.md)`,
        ]
      : []),
    `runner       pid ${status.runner.pid}, started ${status.runner.startedAt}`,
    '',
  ].join('\n');
}
