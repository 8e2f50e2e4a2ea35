import { describe, expect, it } from '@jest/globals';

import type { PlatformStatus } from '../status.js';
import { JsonStartOutput } from './json-start-output.js';
import type { StartOutputOptions } from './start-output.js';

const NOW = new Date('2026-12-07T04:51:12.345Z');
const event = JSON.stringify({
  time: '2026-12-07T04:51:12.000Z',
  level: 'info',
  service: 'user-service',
  instance: 'user-service-1',
  msg: 'applied migrations',
});
const request = JSON.stringify({ level: 'info', status: 200, msg: 'request completed' });

function output(options: Partial<StartOutputOptions> = {}) {
  const written: string[] = [];
  const out = new JsonStartOutput({
    format: 'json',
    color: true,
    serviceColours: { 'user-service': 'blue' },
    accessLog: false,
    quiet: false,
    write: (text) => written.push(text),
    now: () => NOW,
    ...options,
  });
  const records = () => written.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { out, written, records };
}

describe(JsonStartOutput.name, () => {
  it("writes the runner's messages as records shaped like the services' log lines, never coloured", () => {
    const { out, written } = output();
    out.say('stopping Kafka');
    out.say('user-service-2 exited unexpectedly (code 1, signal -)', 'error');
    expect(written).toEqual([
      '{"time":"2026-12-07T04:51:12.345Z","level":"info","service":"runner","msg":"stopping Kafka"}\n',
      '{"time":"2026-12-07T04:51:12.345Z","level":"error","service":"runner","msg":"user-service-2 exited unexpectedly (code 1, signal -)"}\n',
    ]);
  });

  it("passes an instance's JSON lines through as they are", () => {
    const { out, written } = output();
    out.serviceLine('user-service-1', event);
    expect(written).toEqual([`${event}\n`]);
  });

  it('wraps any other line in a record naming the instance, a warning when it came on stderr', () => {
    const { out, records } = output();
    out.serviceLine('id-service-2', '(node:123) TimeoutNegativeWarning: -1 is a negative number.', 'stderr');
    out.serviceLine('id-service-2', 'plain words', 'stdout');
    out.serviceLine('id-service-2', '   ', 'stderr');
    expect(records()).toEqual([
      {
        time: NOW.toISOString(),
        level: 'warn',
        service: 'id-service',
        instance: 'id-service-2',
        stream: 'stderr',
        msg: '(node:123) TimeoutNegativeWarning: -1 is a negative number.',
      },
      expect.objectContaining({ level: 'info', stream: 'stdout', msg: 'plain words' }),
    ]);
  });

  it('keeps request lines out unless --access-log, and instance output out with --quiet', () => {
    const hidden = output();
    hidden.out.serviceLine('gateway-1', request);
    expect(hidden.written).toEqual([]);
    const shown = output({ accessLog: true });
    shown.out.serviceLine('gateway-1', request);
    expect(shown.written).toEqual([`${request}\n`]);
    const quiet = output({ quiet: true });
    quiet.out.serviceLine('gateway-1', event);
    expect(quiet.written).toEqual([]);
  });

  it('says the platform is up in one record that carries the status', () => {
    const { out, records } = output();
    const status: PlatformStatus = { running: true, gatewayUrl: 'http://127.0.0.1:8080', instances: [] };
    out.up(status, 'platform up in 9.0 s');
    expect(records()).toEqual([
      { time: NOW.toISOString(), level: 'info', service: 'runner', msg: 'platform up in 9.0 s', status },
    ]);
  });
});
