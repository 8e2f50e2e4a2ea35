import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { createTestDatabase, TestServices, uniqueTopic, type TestDatabase } from '@platform/testing';

import { idService, type IdServiceInstance } from '../../../id-service/test/id-service.harness.js';
import { injectFaults, reportFigure, scrape, sumOfSeries } from '../admin-client.js';
import { gateway, untilListed, type GatewayInstance } from '../gateway.harness.js';
import { sendAll } from '../steady-load.js';

const REQUESTS = 200;
const BUDGET_PERCENT = 20;
const INSTANCES = ['id-1', 'id-2', 'id-3'];

/** Requests an id-service instance answered on POST /ids/:kind, from its own /metrics. */
async function issueRequestsServed(instance: IdServiceInstance): Promise<number> {
  return sumOfSeries(await scrape(instance), 'http_server_request_duration_seconds_count', {
    route: '/ids/:kind',
    method: 'POST',
  });
}

describe('a service whose every instance fails', () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('gateway-retry-budget');
  let database: TestDatabase;
  let edge: GatewayInstance;
  let instances: IdServiceInstance[];

  beforeAll(async () => {
    database = await createTestDatabase('gateway_retry_budget_ids');
    edge = await services.start(
      gateway({
        registryTopic,
        instanceId: 'gateway-retry-budget',
        env: {
          GATEWAY_ROUTE_POLICIES: JSON.stringify({
            ids: {
              upstream: {
                // Up to 3 instances per request, but retries may add only 20% of the requests
                // (no per-second allowance, so the bound is exact).
                retries: { maxAttempts: 3, budgetPercent: BUDGET_PERCENT, minRetriesPerSecond: 0 },
                // Nothing else may hold retries back here: no ejections...
                outlier: { consecutiveFailures: 1_000 },
              },
              // ...and breakers that never open (100% means never).
              breaker: { errorThresholdPercentage: 100 },
              instanceBreaker: { errorThresholdPercentage: 100 },
            },
          }),
        },
      }),
    );
    instances = [];
    for (const instanceId of INSTANCES) {
      instances.push(
        await services.start(
          idService({
            registryTopic,
            instanceId,
            databaseUrl: database.url,
            env: { FAULTS_ENABLED: 'true' },
          }),
        ),
      );
    }
    await untilListed(edge, 'id-service', INSTANCES);
    for (const instance of instances) await injectFaults(instance, { errors: { share: 1, status: 503 } });
  }, 60_000);

  afterAll(async () => {
    await services.stopAll();
    await database?.drop();
  });

  it('gets at most 20% more requests than callers sent, not three times as many', async () => {
    const servedBefore = (await Promise.all(instances.map(issueRequestsServed))).reduce((a, b) => a + b, 0);

    // POST /ids/snowflake is retry-safe (id-service announces it), so every failure may be retried.
    const results = await sendAll(REQUESTS, 10, () =>
      fetch(`${edge.url}/api/ids/snowflake`, { method: 'POST' }),
    );

    const attempts =
      (await Promise.all(instances.map(issueRequestsServed))).reduce((a, b) => a + b, 0) - servedBefore;
    const gatewayMetrics = await scrape(edge);
    const exhausted = sumOfSeries(gatewayMetrics, 'upstream_retry_budget_exhausted_total', {
      service: 'id-service',
    });
    const retries = sumOfSeries(gatewayMetrics, 'upstream_retries_total', { service: 'id-service' });
    reportFigure(
      'retry-budget',
      `${REQUESTS} requests → ${attempts} attempts upstream (${retries} retries; ${exhausted} retries ` +
        `refused by the budget; without it up to ${REQUESTS * 3})`,
    );

    expect(results.filter((r) => r.status < 500)).toEqual([]);
    // Every request reached an instance once; retries added at most the budget: 20% of the
    // requests in the last 10 s (the run takes a second or two), plus a couple for the requests
    // still in flight when the budget was computed.
    expect(attempts).toBeGreaterThanOrEqual(REQUESTS);
    expect(attempts).toBeLessThanOrEqual(REQUESTS * (1 + BUDGET_PERCENT / 100) + 3);
    // The budget, not a lack of failures, held them back: retries happened until it ran out.
    expect(attempts).toBeGreaterThan(REQUESTS);
    expect(exhausted).toBeGreaterThan(0);
    expect(attempts - REQUESTS).toBe(retries);
  });
});
