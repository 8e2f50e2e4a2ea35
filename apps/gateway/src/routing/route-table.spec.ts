import { describe, expect, it } from '@jest/globals';

import type { ServiceInstance } from '@platform/discovery';
import { createLogger } from '@platform/observability';
import { LogCapture } from '@platform/testing';

import { RouteTable } from './route-table.js';

const CONFIGURED = ['ids=id-service', 'users=user-service', 'flags=flags-service'];

function instance(service: string, metadata: Record<string, string>): ServiceInstance {
  return {
    id: `${service}-1`,
    service,
    host: '127.0.0.1',
    port: 4000,
    url: 'http://127.0.0.1:4000',
    version: '1.0.0',
    track: 'stable',
    zone: 'local',
    metadata,
    status: 'up',
    ttlMs: 10_000,
    heartbeatAt: 1_700_000_000_000,
    startedAt: 1_700_000_000_000,
    weight: 1,
  };
}

function table(configured: readonly string[] = CONFIGURED) {
  const logs = new LogCapture();
  const routes = new RouteTable(
    configured,
    createLogger({ service: 'gateway', instance: 'test', destination: logs }),
  );
  return { routes, logs };
}

describe(RouteTable.name, () => {
  it('sends /api/<segment>/... to the configured service, without the /api prefix and with the query', () => {
    const { routes } = table();

    expect(routes.resolve('/api/ids/snowflake?count=2')).toMatchObject({
      segment: 'ids',
      service: 'id-service',
      upstreamPath: '/ids/snowflake?count=2',
    });
    expect(routes.resolve('/api/users')).toMatchObject({ service: 'user-service', upstreamPath: '/users' });
    expect(routes.resolve('/api/flags?all=1')).toMatchObject({
      service: 'flags-service',
      upstreamPath: '/flags?all=1',
    });
  });

  it.each(['/api/nothing/here', '/api', '/api/', '/ids/snowflake', '/apiary/ids', '/health/ready'])(
    'routes %s nowhere',
    (url) => {
      expect(table().routes.resolve(url)).toBeUndefined();
    },
  );

  it.each(['admin=id-service', 'health=id-service', 'metrics=id-service'])(
    'refuses to be configured with the reserved route %s',
    (entry) => {
      expect(() => table([entry])).toThrow('is reserved and cannot be routed');
    },
  );

  it('learns the segments a service announces in its registry metadata', () => {
    const { routes } = table();

    routes.learn(instance('files-service', { routes: 'files, uploads' }));

    expect(routes.resolve('/api/files/a.txt')).toMatchObject({
      service: 'files-service',
      upstreamPath: '/files/a.txt',
    });
    expect(routes.resolve('/api/uploads')).toMatchObject({ service: 'files-service' });
    expect(routes.entries()).toEqual(
      expect.arrayContaining([
        { segment: 'ids', service: 'id-service', source: 'config' },
        { segment: 'files', service: 'files-service', source: 'registry' },
        { segment: 'uploads', service: 'files-service', source: 'registry' },
      ]),
    );
  });

  it('learns nothing from an instance that announces no routes', () => {
    const { routes } = table();

    routes.learn(instance('quiet-service', {}));

    expect(routes.entries()).toHaveLength(CONFIGURED.length);
  });

  it('ignores announced segments that are reserved or malformed, and says so in the log', () => {
    const { routes, logs } = table();

    routes.learn(instance('sneaky-service', { routes: 'admin,Bad_Segment,ok-segment' }));

    expect(routes.resolve('/api/admin/registry')).toBeUndefined();
    expect(routes.resolve('/api/Bad_Segment')).toBeUndefined();
    expect(routes.resolve('/api/ok-segment')).toMatchObject({ service: 'sneaky-service' });
    expect(logs.matching('ignored an announced route').map((line) => line.segment)).toEqual([
      'admin',
      'Bad_Segment',
    ]);
  });

  it('keeps a segment with its first owner when another service claims it', () => {
    const { routes, logs } = table();

    routes.learn(instance('impostor-service', { routes: 'ids' }));
    routes.learn(instance('files-service', { routes: 'files' }));
    routes.learn(instance('other-files-service', { routes: 'files' }));

    expect(routes.resolve('/api/ids/snowflake')).toMatchObject({ service: 'id-service' });
    expect(routes.resolve('/api/files')).toMatchObject({ service: 'files-service' });
    expect(logs.matching("ignoring impostor-service's claim")).toHaveLength(1);
    expect(logs.matching("ignoring other-files-service's claim")).toHaveLength(1);
  });

  it('marks a route retry-safe only while its service announces that it is', () => {
    const { routes } = table();

    expect(routes.resolve('/api/ids/snowflake')).toMatchObject({ retrySafe: false });
    routes.learn(instance('id-service', { routes: 'ids', 'retry-safe': 'true' }));
    expect(routes.resolve('/api/ids/snowflake')).toMatchObject({ retrySafe: true });
    expect(routes.resolve('/api/flags')).toMatchObject({ retrySafe: false });
    routes.learn(instance('id-service', { routes: 'ids' }));
    expect(routes.resolve('/api/ids/snowflake')).toMatchObject({ retrySafe: false });
  });
});
