import { describe, expect, it } from '@jest/globals';

import { renderStatus, type PlatformStatus } from '../status.js';
import { painter } from './color-support.js';
import { PrettyStartOutput } from './pretty-start-output.js';
import type { StartOutputOptions } from './start-output.js';

const event = JSON.stringify({
  time: '2026-12-07T04:51:12.345Z',
  level: 'warn',
  service: 'id-service',
  instance: 'id-service-2',
  msg: 'lease renewal slow',
  ms: 900,
});
const request = JSON.stringify({
  time: '2026-12-07T04:51:12.345Z',
  level: 'info',
  method: 'GET',
  url: '/x',
  status: 200,
  durationMs: 1,
  msg: 'request completed',
});

function output(options: Partial<StartOutputOptions> = {}) {
  const written: string[] = [];
  const out = new PrettyStartOutput({
    format: 'pretty',
    color: false,
    serviceColours: { 'id-service': 'cyan', 'orders-service': 'green' },
    accessLog: false,
    quiet: false,
    write: (text) => written.push(text),
    ...options,
  });
  return { out, written };
}

describe(PrettyStartOutput.name, () => {
  it("prefixes the runner's messages and each instance's short lines, without colour codes when colour is off", () => {
    const { out, written } = output();
    out.say('kafka: ready on 127.0.0.1:9092');
    out.serviceLine('id-service-2', event);
    out.serviceLine('id-service-2', 'Warning: something node says');
    expect(written).toEqual([
      '[runner] kafka: ready on 127.0.0.1:9092\n',
      '[id-service-2] 04:51:12 WARN lease renewal slow ms=900\n',
      '[id-service-2] Warning: something node says\n',
    ]);
  });

  it("colours the prefix by service, the level, and the runner's problems when colour is on", () => {
    const { out, written } = output({ color: true });
    const paint = painter(true);
    out.serviceLine('id-service-2', event);
    out.say('id-service-1 exited unexpectedly', 'error');
    expect(written[0]).toBe(
      `${paint('cyan', '[id-service-2]')} ${paint('gray', '04:51:12')} ${paint('yellow', 'WARN')} lease renewal slow ms=900\n`,
    );
    expect(written[1]).toBe(
      `${paint('bold', '[runner]')} ${paint('red', 'id-service-1 exited unexpectedly')}\n`,
    );
  });

  it("colours each instance's prefix with its service's colour from the catalog, white if it has none", () => {
    const { out, written } = output({ color: true });
    const paint = painter(true);
    out.serviceLine('orders-service-12', 'started');
    out.serviceLine('mystery-service-1', 'started');
    expect(written).toEqual([
      `${paint('green', '[orders-service-12]')} started\n`,
      `${paint('white', '[mystery-service-1]')} started\n`,
    ]);
  });

  it('shows request lines only with --access-log, and no instance output at all with --quiet', () => {
    const hidden = output();
    hidden.out.serviceLine('gateway-1', request);
    expect(hidden.written).toEqual([]);
    const shown = output({ accessLog: true });
    shown.out.serviceLine('gateway-1', request);
    expect(shown.written).toEqual(['[gateway-1] 04:51:12 GET /x → 200 in 1 ms\n']);
    const quiet = output({ quiet: true, accessLog: true });
    quiet.out.serviceLine('gateway-1', event);
    quiet.out.say('still said');
    expect(quiet.written).toEqual(['[runner] still said\n']);
  });

  it('prints the status table, then the message that the platform is up', () => {
    const { out, written } = output();
    const status: PlatformStatus = {
      running: true,
      runner: { pid: 100, startedAt: '2026-12-07T04:51:00.000Z' },
      gatewayUrl: 'http://127.0.0.1:8080',
      infrastructure: {
        postgres: [],
        kafka: { brokers: ['127.0.0.1:9092'], pid: 102, managed: true, state: 'running' },
      },
      instances: [],
    };
    out.up(status, 'platform up in 9.0 s');
    expect(written.join('')).toBe(`\n${renderStatus(status, false)}\n[runner] platform up in 9.0 s\n`);
    expect(written.join('')).toContain('COMPONENT');
  });
});
