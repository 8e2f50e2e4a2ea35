import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { RETRY_SAFE_METADATA_KEY } from '@platform/discovery';
import {
  createTestDatabase,
  eventually,
  TestServices,
  uniqueTopic,
  type TestDatabase,
} from '@platform/testing';

import { idService } from '../../../id-service/test/id-service.harness.js';
import { reportFigure, upstreamsOf } from '../admin-client.js';
import { gateway, registryOf, untilListed, type GatewayInstance } from '../gateway.harness.js';
import { IdServiceProcess } from '../id-service-process.js';
import { SteadyLoad } from '../steady-load.js';

/** The crashed instance stays in the registry this long (no tombstone): ejection must beat it. */
const CRASHED_INSTANCE_TTL_MS = 10_000;

describe('an id-service instance that crashes under load', () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('gateway-failover');
  let database: TestDatabase;
  let edge: GatewayInstance;
  let crashing: IdServiceProcess;

  beforeAll(async () => {
    database = await createTestDatabase('gateway_failover_ids');
    edge = await services.start(
      gateway({
        registryTopic,
        instanceId: 'gateway-failover',
        // Round robin sends every third request to the instance that crashes, so the crash hits
        // requests in flight and the next picks at once, whatever the latencies of the instances.
        env: { GATEWAY_ROUTE_POLICIES: JSON.stringify({ ids: { upstream: { strategy: 'round-robin' } } }) },
      }),
    );
    await services.start(idService({ registryTopic, instanceId: 'id-a', databaseUrl: database.url }));
    await services.start(idService({ registryTopic, instanceId: 'id-b', databaseUrl: database.url }));
    // A real process, so it can be SIGKILLed: no tombstone, no drain, its connections cut.
    crashing = await IdServiceProcess.start({
      instanceId: 'id-c',
      registryTopic,
      databaseUrl: database.url,
      env: { REGISTRY_TTL_MS: String(CRASHED_INSTANCE_TTL_MS), REGISTRY_HEARTBEAT_MS: '2000' },
    });
    await untilListed(edge, 'id-service', ['id-a', 'id-b', 'id-c']);
  }, 90_000);

  afterAll(async () => {
    crashing?.kill();
    await crashing?.whenExited();
    await services.stopAll();
    await database?.drop();
  });

  it('fails no request, and the gateway ejects the dead instance long before the registry drops it', async () => {
    // POST /ids/snowflake is safe to send twice (an id issued but never seen is simply unused), and
    // id-service says so in the registry: that is what lets the gateway retry it elsewhere.
    const listing = await registryOf(edge);
    expect(listing.services['id-service']?.map((i) => i.metadata[RETRY_SAFE_METADATA_KEY])).toEqual([
      'true',
      'true',
      'true',
    ]);

    const load = new SteadyLoad(() => fetch(`${edge.url}/api/ids/snowflake?count=3`, { method: 'POST' }), 4);
    // Stopped whatever happens: a load left running after a failure would spin on refused connections.
    try {
      await eventually(() =>
        expect(new Set(load.results.map((r) => r.servedBy))).toEqual(new Set(['id-a', 'id-b', 'id-c'])),
      );

      const killedAt = Date.now();
      crashing.kill();
      const ejection = await eventually(
        async () => {
          const dead = (await upstreamsOf(edge, 'id-service')).find((i) => i.instanceId === 'id-c');
          // Listed and ejected: an instance gone from the list (undefined) is not an ejection.
          expect(dead?.ejected ?? null).not.toBeNull();
          return { afterMs: Date.now() - killedAt, view: dead! };
        },
        { timeoutMs: CRASHED_INSTANCE_TTL_MS, intervalMs: 20 },
      );
      // Passive health (a refused connection) took it out, long before the registry's TTL could. (Once
      // in CI, id-c was no longer in the registry right after the check above passed, which then
      // accepted an instance gone from the list as ejected; why it was gone so soon is not known.)
      expect(ejection.afterMs).toBeLessThan(CRASHED_INSTANCE_TTL_MS / 4);
      const stillListed = (await registryOf(edge)).services['id-service']?.some(
        (i) => i.instanceId === 'id-c',
      );

      const ejectedAt = Date.now();
      await eventually(() => expect(load.since(ejectedAt).length).toBeGreaterThan(300), {
        timeoutMs: 20_000,
      });
      const results = await load.stop();
      const afterKill = results.filter((r) => r.at > killedAt);

      reportFigure(
        'failover',
        `id-c ejected ${ejection.afterMs} ms after SIGKILL (registry TTL ${CRASHED_INSTANCE_TTL_MS} ms; ` +
          `${stillListed ? 'still' : 'no longer'} listed then); ` +
          `${results.length} requests, ${afterKill.length} after the kill, ${load.failures().length} failed`,
      );
      expect(load.failures()).toEqual([]);
      // Generous for a loaded 2-core machine: the first request sent to the dead port is refused
      // (connection refused ejects at once), which takes milliseconds; the bound is a fifth of the TTL.
      expect(ejection.afterMs).toBeLessThan(2_000);
      expect(ejection.view.ejected?.count).toBe(1);
      // After the ejection the two survivors share the load; the dead one gets nothing.
      expect(new Set(load.since(ejectedAt).map((r) => r.servedBy))).toEqual(new Set(['id-a', 'id-b']));
    } finally {
      await load.stop();
    }
  });
});
