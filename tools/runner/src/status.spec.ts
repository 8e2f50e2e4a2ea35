import { describe, expect, it } from '@jest/globals';

import { renderStatus, type PlatformStatus } from './status.js';

const status: PlatformStatus = {
  running: true,
  runner: { pid: 100, startedAt: '2026-01-01T00:00:00.000Z' },
  adminToken: 'token-token-token-token',
  gatewayUrl: 'http://127.0.0.1:8080',
  controlUrl: 'http://127.0.0.1:40123',
  infrastructure: {
    postgres: [
      {
        name: 'a',
        address: '127.0.0.1:5433',
        url: 'postgres://p:p@127.0.0.1:5433/postgres',
        pid: 101,
        managed: true,
        state: 'running',
      },
      {
        name: 'b',
        address: '127.0.0.1:5434',
        url: 'postgres://p:p@127.0.0.1:5434/postgres',
        pid: 105,
        managed: true,
        state: 'down',
      },
    ],
    kafka: { brokers: ['127.0.0.1:9092'], pid: 102, managed: true, state: 'running' },
  },
  instances: [
    {
      service: 'gateway',
      instanceId: 'gateway-1',
      version: '0.1.0',
      track: 'stable',
      pid: 103,
      port: 8080,
      url: 'http://127.0.0.1:8080',
      state: 'ready',
    },
    {
      service: 'id-service',
      instanceId: 'id-service-1',
      version: '0.2.0',
      track: 'canary',
      pid: 104,
      port: 3101,
      url: 'http://127.0.0.1:3101',
      state: 'down',
    },
  ],
};

describe(renderStatus.name, () => {
  it('prints one aligned row per component with its address, pid, version, track and state, then the admin token', () => {
    const lines = renderStatus(status, false).split('\n');
    expect(lines[0]).toMatch(/^COMPONENT\s+INSTANCE\s+ADDRESS\s+PID\s+VERSION\s+TRACK\s+STATE$/);
    expect(lines[1]).toMatch(/^postgres\s+a, embedded\s+127\.0\.0\.1:5433\s+101\s+-\s+-\s+running$/);
    expect(lines[2]).toMatch(/^postgres\s+b, embedded\s+127\.0\.0\.1:5434\s+105\s+-\s+-\s+down$/);
    expect(lines[3]).toMatch(/^kafka\s+kraft, 1 node\s+127\.0\.0\.1:9092\s+102\s+-\s+-\s+running$/);
    expect(lines[4]).toMatch(/^gateway\s+gateway-1\s+127\.0\.0\.1:8080\s+103\s+0\.1\.0\s+stable\s+ready$/);
    expect(lines[5]).toMatch(
      /^id-service\s+id-service-1\s+127\.0\.0\.1:3101\s+104\s+0\.2\.0\s+canary\s+down$/,
    );
    const stateColumn = lines[0]!.indexOf('STATE');
    for (const line of lines.slice(1, 6)) expect(line.search(/(running|ready|down)$/)).toBe(stateColumn);
    expect(renderStatus(status, false)).toContain('token-token-token-token');
    expect(renderStatus(status, false)).toContain('control API  http://127.0.0.1:40123');
  });

  it('shows both servers as the one external server when POSTGRES_URL gave it', () => {
    const external = { address: 'db.example:5432', url: 'postgres://p:***@db.example:5432/postgres' };
    const lines = renderStatus(
      {
        ...status,
        infrastructure: {
          ...status.infrastructure!,
          postgres: [
            { name: 'a', ...external, pid: null, managed: false, state: 'running' },
            { name: 'b', ...external, pid: null, managed: false, state: 'running' },
          ],
        },
      },
      false,
    ).split('\n');
    expect(lines[1]).toMatch(/^postgres\s+a, external\s+db\.example:5432\s+-\s+-\s+-\s+running$/);
    expect(lines[2]).toMatch(/^postgres\s+b, external\s+db\.example:5432\s+-\s+-\s+-\s+running$/);
  });

  it('shows Prometheus as the last row, with its URL, when it runs', () => {
    const output = renderStatus(
      {
        ...status,
        infrastructure: {
          ...status.infrastructure!,
          prometheus: { url: 'http://127.0.0.1:9090', pid: 106, state: 'running' },
        },
      },
      false,
    );
    const lines = output.split('\n');
    expect(lines[6]).toMatch(
      /^prometheus\s+scrapes the registry\s+127\.0\.0\.1:9090\s+106\s+-\s+-\s+running$/,
    );
    expect(output).toContain('prometheus   http://127.0.0.1:9090   (targets: http://127.0.0.1:9090/targets');
  });

  it('says why Prometheus does not run when it was skipped', () => {
    const output = renderStatus(
      {
        ...status,
        infrastructure: {
          ...status.infrastructure!,
          prometheus: { url: null, pid: null, skipped: 'no `prometheus` on PATH', state: 'not started' },
        },
      },
      false,
    );
    expect(output).not.toMatch(/^prometheus\s+scrapes/m);
    expect(output).toContain('prometheus   not running: no `prometheus` on PATH');
  });

  it('names each version the gateway routes to that no instance runs, with the command that fixes it', () => {
    const output = renderStatus(
      {
        ...status,
        releaseMismatches: [
          {
            service: 'id-service',
            version: '0.2.0',
            share: 'every request',
            release: 'promoted canary release 0.1.0 → 0.2.0',
            running: '0.1.0 ×2',
            fix: 'npm run release -- start id-service --strategy rolling --version 0.2.0',
          },
        ],
      },
      false,
    );
    expect(output).toContain(
      "\nmismatch     id-service: the gateway's promoted canary release 0.1.0 → 0.2.0 sends every request to " +
        '0.2.0, but no instance runs it (running: 0.1.0 ×2); those requests fail. Fix: npm run release -- ' +
        'start id-service --strategy rolling --version 0.2.0\n',
    );
    expect(renderStatus({ ...status, releaseMismatches: [] }, false)).not.toContain('mismatch');
  });

  it('says plainly when no platform runs', () => {
    expect(renderStatus({ running: false, instances: [] }, false)).toContain('No platform is running');
  });
});
