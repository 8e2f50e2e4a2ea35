import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import type { ErrorBody } from '@platform/service-kit';
import {
  createTestDatabase,
  eventually,
  requestJson,
  TestServices,
  uniqueTopic,
  type TestDatabase,
} from '@platform/testing';

import { idService, type IdServiceInstance } from '../../../id-service/test/id-service.harness.js';
import { clearFaults, injectFaults, scrape, sumOfSeries } from '../admin-client.js';
import { gateway, untilListed, type GatewayInstance } from '../gateway.harness.js';

const MAX_INFLIGHT = 4;
/** Long enough for the test to look at the gateway while slow requests hold their places. */
const SLOW_MS = 3_000;

describe('a gateway protecting itself from too many requests', () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('gateway-protection');
  let database: TestDatabase;
  let ids: IdServiceInstance;
  let limited: GatewayInstance;
  let small: GatewayInstance;

  beforeAll(async () => {
    database = await createTestDatabase('gateway_protection_ids');
    limited = await services.start(
      gateway({
        registryTopic,
        instanceId: 'gateway-rate-limited',
        // One token a second: the six requests below may take a few hundred ms to arrive on a busy
        // machine, and at 5 a second a token came back meanwhile and the sixth was served (seen in CI).
        env: { RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '5' },
      }),
    );
    // Past 3 requests in flight (80% of 4) non-essential routes are shed; past 4, everything.
    small = await services.start(
      gateway({
        registryTopic,
        instanceId: 'gateway-small',
        env: { GATEWAY_MAX_INFLIGHT: String(MAX_INFLIGHT), GATEWAY_SHED_NON_ESSENTIAL_PERCENT: '80' },
      }),
    );
    ids = await services.start(
      idService({
        registryTopic,
        instanceId: 'id-1',
        databaseUrl: database.url,
        env: { FAULTS_ENABLED: 'true' },
      }),
    );
    await untilListed(limited, 'id-service', ['id-1']);
    await untilListed(small, 'id-service', ['id-1']);
  }, 60_000);

  afterAll(async () => {
    await services.stopAll();
    await database?.drop();
  });

  it('lets a client send its burst of 5 at once and answers the sixth with 429 and Retry-After', async () => {
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        requestJson<ErrorBody>(`${limited.url}/api/ids/snowflake`, { method: 'POST' }),
      ),
    );

    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 429]);
    const refused = responses.find((r) => r.status === 429)!;
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('content-type')).toContain('application/json');
    expect(refused.body.error).toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining('retry after'),
    });
  });

  it('sheds a non-essential route first, keeps room for an essential one, then refuses everything past its limit', async () => {
    await injectFaults(ids, { latency: { distribution: 'fixed', ms: SLOW_MS } });
    const inflight = async () => sumOfSeries(await scrape(small), 'gateway_inflight_requests');
    const slowIssue = () => requestJson(`${small.url}/api/ids/snowflake`, { method: 'POST' });
    try {
      const slow = [slowIssue(), slowIssue(), slowIssue()];
      await eventually(async () => expect(await inflight()).toBe(3));

      // flags is non-essential: at 3 of 4 it is turned away at once (no flags-service runs at all).
      const shed = await requestJson<ErrorBody>(`${small.url}/api/flags/checkout-v2`);
      expect(shed.status).toBe(503);
      expect(shed.headers.get('retry-after')).toBe('1');
      expect(shed.body.error.code).toBe('overloaded');
      expect(shed.body.error.message).toContain('non-essential route /api/flags');

      // ids is essential: it still gets the last place...
      slow.push(slowIssue());
      await eventually(async () => expect(await inflight()).toBe(MAX_INFLIGHT));
      // ...and past it even an essential request is refused.
      const overloaded = await requestJson<ErrorBody>(`${small.url}/api/ids/snowflake`, { method: 'POST' });
      expect(overloaded.status).toBe(503);
      expect(overloaded.headers.get('retry-after')).toBe('1');
      expect(overloaded.body.error.code).toBe('overloaded');
      expect(overloaded.body.error.message).toContain('at its limit');

      expect((await Promise.all(slow)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
      const metrics = await scrape(small);
      expect(sumOfSeries(metrics, 'gateway_route_requests_total', { route: 'flags', outcome: 'shed' })).toBe(
        1,
      );
      expect(
        sumOfSeries(metrics, 'gateway_route_requests_total', { route: 'ids', outcome: 'overloaded' }),
      ).toBe(1);
    } finally {
      await clearFaults(ids);
    }
  }, 30_000);
});
