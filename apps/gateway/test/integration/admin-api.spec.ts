import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import type { ErrorBody } from '@platform/service-kit';
import {
  createTestDatabase,
  requestJson,
  TestServices,
  uniqueTopic,
  type TestDatabase,
} from '@platform/testing';

import { idService } from '../../../id-service/test/id-service.harness.js';
import { changeRoute, routeOf } from '../admin-client.js';
import { ADMIN_HEADERS, gateway, untilListed, type GatewayInstance } from '../gateway.harness.js';

describe('changing a route policy through the admin API', () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('gateway-admin-api');
  let database: TestDatabase;
  let edge: GatewayInstance;

  beforeAll(async () => {
    database = await createTestDatabase('gateway_admin_api_ids');
    edge = await services.start(gateway({ registryTopic, instanceId: 'gateway-admin-api' }));
    await services.start(idService({ registryTopic, instanceId: 'id-1', databaseUrl: database.url }));
    await untilListed(edge, 'id-service', ['id-1']);
  }, 60_000);

  afterAll(async () => {
    await services.stopAll();
    await database?.drop();
  });

  it('answers 401 without the admin token, and the policy stays as it was', async () => {
    const before = await routeOf(edge, 'ids');

    const response = await requestJson<ErrorBody>(`${edge.url}/admin/routes/ids`, {
      method: 'PUT',
      json: { upstream: { strategy: 'round-robin' } },
    });

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('unauthenticated');
    expect((await routeOf(edge, 'ids')).policy).toEqual(before.policy);
  });

  it.each([
    ['an unknown strategy', { upstream: { strategy: 'fastest' } }, 'upstream.strategy', 'must be one of'],
    [
      'a negative threshold',
      { breaker: { errorThresholdPercentage: -5 } },
      'breaker.errorThresholdPercentage',
      'must not be negative',
    ],
    [
      'a per-try deadline longer than the total one',
      { upstream: { timeouts: { perTryMs: 5_000, totalMs: 1_000 } } },
      'upstream.timeouts.perTryMs',
      'must not exceed timeouts.totalMs',
    ],
    ['an unknown field', { retries: { maxAttempts: 5 } }, 'retries', 'Unrecognized key'],
    ['an unknown nested field', { upstream: { retry: 2 } }, 'upstream.retry', 'Unrecognized key'],
    ['a body that is not an object', [{ upstream: {} }], 'body', 'must be a JSON object'],
  ])('refuses %s with 400 naming the field, and changes nothing', async (_case, patch, field, problem) => {
    const before = await routeOf(edge, 'ids');

    const response = await changeRoute(edge, 'ids', patch);

    expect(response.status).toBe(400);
    const { error } = response.body as unknown as ErrorBody;
    expect(error.code).toBe('validation_failed');
    expect(error.message).toContain(field.split('.').pop());
    expect(error.message).toContain(problem);
    expect((await routeOf(edge, 'ids')).policy).toEqual(before.policy);
  });

  it('answers 404 for a segment no route has', async () => {
    const response = await changeRoute(edge, 'nothing-here', { essential: false });

    expect(response.status).toBe(404);
    expect((response.body as unknown as ErrorBody).error.code).toBe('route_not_found');
  });

  it('applies a valid change at once, shows it, logs it with before and after, and keeps routing', async () => {
    const before = await routeOf(edge, 'ids');
    expect(before.policy.upstream.strategy).toBe('peak-ewma');

    const response = await changeRoute(edge, 'ids', {
      upstream: { strategy: 'least-connections' },
      breaker: { errorThresholdPercentage: 25 },
    });

    expect(response.status).toBe(200);
    expect(response.body.policy.upstream.strategy).toBe('least-connections');
    const after = await routeOf(edge, 'ids');
    expect(after.policy).toEqual({
      ...before.policy,
      upstream: { ...before.policy.upstream, strategy: 'least-connections' },
      breaker: { ...before.policy.breaker, errorThresholdPercentage: 25 },
    });
    const [logged] = edge.logs.matching('route policy of /api/ids changed');
    expect(logged).toMatchObject({
      segment: 'ids',
      actor: 'admin API',
      before: { upstream: { strategy: 'peak-ewma' }, breaker: { errorThresholdPercentage: 50 } },
      after: { upstream: { strategy: 'least-connections' }, breaker: { errorThresholdPercentage: 25 } },
    });
    const routed = await requestJson(`${edge.url}/api/ids/snowflake`, { method: 'POST' });
    expect(routed.status).toBe(200);
  });

  it('never routes /api/admin/... to an admin API, token or not', async () => {
    for (const [method, path] of [
      ['GET', '/api/admin/routes'],
      ['GET', '/api/admin/registry'],
      ['PUT', '/api/admin/routes/ids'],
      ['PUT', '/api/admin/faults'],
    ] as const) {
      const response = await requestJson<ErrorBody>(`${edge.url}${path}`, {
        method,
        headers: ADMIN_HEADERS,
        ...(method === 'PUT' ? { json: { essential: false } } : {}),
      });

      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('route_not_found');
    }
    expect((await routeOf(edge, 'ids')).policy.essential).toBe(true);
  });
});
