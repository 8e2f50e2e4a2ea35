import { describe, expect, it } from '@jest/globals';

import type { ServiceInstance } from '@platform/discovery';

import { prometheusTargets } from './prometheus-targets.js';

function instance(
  service: string,
  id: string,
  overrides: Partial<Pick<ServiceInstance, 'host' | 'port' | 'version' | 'track' | 'zone' | 'status'>> = {},
): ServiceInstance {
  const host = overrides.host ?? '127.0.0.1';
  const port = overrides.port ?? 4000;
  return {
    id,
    service,
    host,
    port,
    url: `http://${host}:${port}`,
    version: overrides.version ?? '0.1.0',
    track: overrides.track ?? 'stable',
    zone: overrides.zone ?? 'local',
    metadata: {},
    status: overrides.status ?? 'up',
    ttlMs: 10_000,
    heartbeatAt: 1_700_000_000_000,
    startedAt: 1_700_000_000_000,
    weight: 1,
  };
}

describe(prometheusTargets.name, () => {
  it('gives every instance its own target group, labelled with its service, id, version, track and zone', () => {
    const snapshot = new Map([
      ['id-service', [instance('id-service', 'id-service-1', { port: 3101, zone: 'a' })]],
      [
        'gateway',
        [
          instance('gateway', 'gateway-1', {
            host: '10.0.0.7',
            port: 8080,
            version: '0.2.0',
            track: 'canary',
          }),
        ],
      ],
    ]);

    expect(prometheusTargets(snapshot)).toEqual([
      {
        targets: ['10.0.0.7:8080'],
        labels: {
          service: 'gateway',
          instance_id: 'gateway-1',
          version: '0.2.0',
          track: 'canary',
          zone: 'local',
        },
      },
      {
        targets: ['127.0.0.1:3101'],
        labels: {
          service: 'id-service',
          instance_id: 'id-service-1',
          version: '0.1.0',
          track: 'stable',
          zone: 'a',
        },
      },
    ]);
  });

  it('keeps draining instances: they still serve until they exit', () => {
    const snapshot = new Map([
      [
        'user-service',
        [
          instance('user-service', 'user-service-1', { port: 3201 }),
          instance('user-service', 'user-service-2', { port: 3202, status: 'draining' }),
        ],
      ],
    ]);

    expect(prometheusTargets(snapshot).map((group) => group.targets[0])).toEqual([
      '127.0.0.1:3201',
      '127.0.0.1:3202',
    ]);
  });

  it('puts an IPv6 host in brackets', () => {
    const snapshot = new Map([
      ['flags-service', [instance('flags-service', 'flags-1', { host: 'fd00::5' })]],
    ]);

    expect(prometheusTargets(snapshot)[0]?.targets).toEqual(['[fd00::5]:4000']);
  });

  it('answers an empty list when the registry is empty', () => {
    expect(prometheusTargets(new Map())).toEqual([]);
  });
});
