import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import type { ErrorBody } from '@platform/service-kit';
import {
  createTestDatabase,
  eventually,
  publishRaw,
  requestJson,
  TestServices,
  uniqueTopic,
  type TestDatabase,
} from '@platform/testing';

import {
  flagsService,
  type FlagsServiceInstance,
} from '../../../flags-service/test/flags-service.harness.js';
import { idService, type IdServiceInstance } from '../../../id-service/test/id-service.harness.js';
import { AdminController } from '../../src/admin/admin.controller.js';
import { SERVED_BY_HEADER } from '../../src/proxy/proxy.routes.js';
import { ADMIN_HEADERS, gateway, registryOf, untilListed, type GatewayInstance } from '../gateway.harness.js';

/** The value of one series in Prometheus text format, or 0 when it is absent. */
function metricValue(metrics: string, series: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe(AdminController.name, () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('gateway-admin');
  let idDatabase: TestDatabase;
  let flagsDatabase: TestDatabase;
  let edge: GatewayInstance;
  let ids: IdServiceInstance;
  let flags: FlagsServiceInstance;

  beforeAll(async () => {
    [idDatabase, flagsDatabase] = await Promise.all([
      createTestDatabase('gateway_admin_ids'),
      createTestDatabase('gateway_admin_flags'),
    ]);
    edge = await services.start(gateway({ registryTopic, instanceId: 'gateway-admin' }));
    ids = await services.start(
      idService({
        registryTopic,
        instanceId: 'id-admin-1',
        databaseUrl: idDatabase.url,
        env: { SERVICE_VERSION: '2.3.4', SERVICE_TRACK: 'canary', ZONE: 'zone-b' },
      }),
    );
    flags = await services.start(
      flagsService({ registryTopic, instanceId: 'flags-admin-1', databaseUrl: flagsDatabase.url }),
    );
    await untilListed(edge, 'id-service', ['id-admin-1']);
    await untilListed(edge, 'flags-service', ['flags-admin-1']);
  });

  afterAll(async () => {
    await services.stopAll();
    await Promise.allSettled([idDatabase?.drop(), flagsDatabase?.drop()]);
  });

  it.each([
    ['no token', {}, 'this endpoint needs the admin token'],
    ['a wrong token', { authorization: 'Bearer not-the-admin-token-at-all' }, 'the admin token is wrong'],
  ])('answers 401 to /admin/registry and /admin/routes with %s', async (_case, headers, message) => {
    for (const path of ['/admin/registry', '/admin/routes']) {
      const response = await requestJson<ErrorBody>(`${edge.url}${path}`, { headers });

      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(response.body.error.code).toBe('unauthenticated');
      expect(response.body.error.message).toContain(message);
    }
  });

  it('lists every live instance with its address, version, track, zone and last heartbeat', async () => {
    const listing = await registryOf(edge);

    expect(listing.caughtUp).toBe(true);
    expect(Object.keys(listing.services).sort()).toEqual(['flags-service', 'gateway', 'id-service']);
    expect(listing.services['id-service']).toEqual([
      {
        instanceId: 'id-admin-1',
        address: `127.0.0.1:${ids.port}`,
        version: '2.3.4',
        track: 'canary',
        zone: 'zone-b',
        status: 'up',
        lastHeartbeat: expect.any(String),
        heartbeatAgeMs: expect.any(Number),
        ttlMs: 3_000,
        metadata: expect.objectContaining({ routes: 'ids' }),
      },
    ]);
    const [idEntry] = listing.services['id-service'] ?? [];
    expect(Date.now() - Date.parse(idEntry?.lastHeartbeat ?? '')).toBeLessThan(3_000);
    expect(listing.services['flags-service']).toEqual([
      expect.objectContaining({
        instanceId: 'flags-admin-1',
        address: `127.0.0.1:${flags.port}`,
        version: '0.1.0',
      }),
    ]);
    expect(listing.services.gateway).toEqual([
      expect.objectContaining({ instanceId: 'gateway-admin', address: `127.0.0.1:${edge.port}` }),
    ]);
  });

  it('lists the routes to ids, users and flags', async () => {
    const { status, body } = await requestJson<{ routes: { segment: string; service: string }[] }>(
      `${edge.url}/admin/routes`,
      { headers: ADMIN_HEADERS },
    );

    expect(status).toBe(200);
    expect(body.routes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ segment: 'ids', service: 'id-service' }),
        expect.objectContaining({ segment: 'users', service: 'user-service' }),
        expect.objectContaining({ segment: 'flags', service: 'flags-service' }),
      ]),
    );
  });

  it('ignores garbage on the registry topic: the instance it names stays listed and keeps getting requests', async () => {
    const before = await registryOf(edge);
    const metricsBefore = await (await fetch(`${edge.url}/metrics`)).text();
    const added = 'registry_changes_total{service="id-service",change="added"}';
    expect(metricValue(metricsBefore, added)).toBe(1);

    await publishRaw(registryTopic, [
      { key: 'id-admin-1', value: 'this is not JSON {' },
      { key: 'id-admin-1', value: JSON.stringify({ v: 1, service: 'id-service', instanceId: 'id-admin-1' }) },
    ]);
    await eventually(() => expect(edge.logs.matching('ignored an invalid registry message')).toHaveLength(2));

    const after = await registryOf(edge);
    expect(after.services['id-service']?.map(({ instanceId, address }) => ({ instanceId, address }))).toEqual(
      before.services['id-service']?.map(({ instanceId, address }) => ({ instanceId, address })),
    );
    const metricsAfter = await (await fetch(`${edge.url}/metrics`)).text();
    // Never dropped and re-added by a later heartbeat: still added exactly once.
    expect(metricValue(metricsAfter, added)).toBe(1);
    expect(
      metricValue(metricsAfter, 'registry_invalid_messages_total{reason="not_json",service="gateway"}'),
    ).toBe(1);
    expect(
      metricValue(metricsAfter, 'registry_invalid_messages_total{reason="schema",service="gateway"}'),
    ).toBe(1);
    const routed = await requestJson(`${edge.url}/api/ids/snowflake`, { method: 'POST' });
    expect(routed.status).toBe(200);
    expect(routed.headers.get(SERVED_BY_HEADER)).toBe('id-admin-1');
  });
});
