import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { freePort, startKafka, type LocalKafka, type StartKafkaOptions } from '@platform/local-infra';
import {
  createTestDatabase,
  eventually,
  requestJson,
  TestServices,
  uniqueTopic,
  type TestDatabase,
} from '@platform/testing';

import { idService } from '../../../id-service/test/id-service.harness.js';
import { reportFigure } from '../admin-client.js';
import { gateway, registryOf, untilListed, type GatewayInstance } from '../gateway.harness.js';
import { SteadyLoad } from '../steady-load.js';

const OUTAGE_MS = 30_000;
/** Shorter than the time the view takes to report self-preservation (3 s): TTLs must stop at once. */
const TTL_MS = 2_000;
const HEARTBEAT_MS = 500;
/** How soon the view must be back to normal once the broker is: a new consumer, not a wait for the old one. */
const CONVERGENCE_MS = 5_000;
/** The first start on a machine also fetches the broker's jars. */
const KAFKA_START_MS = 300_000;

interface HealthBody {
  readonly status: string;
  readonly details: Record<string, { status: string; selfPreservation?: boolean }>;
}

/** Runs `check` every `intervalMs` for `durationMs`: the outage is the experiment, not a wait. */
async function throughout(
  durationMs: number,
  intervalMs: number,
  check: () => Promise<void>,
): Promise<number> {
  const until = Date.now() + durationMs;
  let checks = 0;
  while (Date.now() < until) {
    await check();
    checks++;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return checks;
}

// This file stops its broker, so it starts one of its own rather than the run's shared one.
describe('the gateway while Kafka is down', () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('gateway-static-stability');
  let dir: string;
  let kafkaOptions: StartKafkaOptions;
  let kafka: LocalKafka | undefined;
  let database: TestDatabase;
  let edge: GatewayInstance;

  const health = () => requestJson<HealthBody>(`${edge.url}/health/ready`);
  const warningsSince = (line: number) =>
    edge.logs.lines
      .slice(line)
      .filter((l) => l.level !== 'info')
      .map((l) => `${String(l.time)} ${String(l.msg)}`)
      .slice(-80) // kafkajs retries fill pages during an outage; what decided the end is at the end
      .join('\n');

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-static-stability-'));
    kafkaOptions = {
      dataDir: path.join(dir, 'kafka'),
      port: await freePort(),
      controllerPort: await freePort(),
      logFile: path.join(dir, 'kafka.log'),
      // Kept across the restart, like a real broker's disks: the registry topic comes back.
      persistent: true,
    };
    [kafka, database] = await Promise.all([
      startKafka(kafkaOptions),
      createTestDatabase('gateway_static_stability_ids'),
    ]);
    const env = {
      KAFKA_BROKERS: kafka.brokers.join(','),
      REGISTRY_TTL_MS: String(TTL_MS),
      REGISTRY_HEARTBEAT_MS: String(HEARTBEAT_MS),
    };
    // Round robin, so traffic reaching both instances shows both are in the view: peak EWMA with two
    // instances compares both on every pick and may send a burst of requests all to the cheaper one.
    edge = await services.start(
      gateway({
        registryTopic,
        instanceId: 'gateway-static',
        env: { ...env, UPSTREAM_STRATEGY: 'round-robin' },
      }),
    );
    for (const instanceId of ['id-a', 'id-b']) {
      await services.start(idService({ registryTopic, instanceId, databaseUrl: database.url, env }));
    }
    await untilListed(edge, 'id-service', ['id-a', 'id-b']);
  }, KAFKA_START_MS);

  afterAll(async () => {
    await services.stopAll();
    await kafka?.stop();
    await database?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it(`keeps routing on its last view through a ${OUTAGE_MS / 1000} s outage, degraded but ready, and catches up when Kafka returns`, async () => {
    // Two clients at up to 200 requests/s each: well under the gateway's per-client rate limit.
    const load = new SteadyLoad(() => fetch(`${edge.url}/api/ids/snowflake`, { method: 'POST' }), 2, 5);
    // Stopped whatever happens: a load left running after a failure would spin on refused connections.
    try {
      await eventually(() =>
        expect(new Set(load.results.map((r) => r.servedBy))).toEqual(new Set(['id-a', 'id-b'])),
      );
      expect((await health()).body.status).toBe('ok');

      const logsAtStop = edge.logs.lines.length;
      const stopping = Date.now();
      await kafka!.stop();
      kafka = undefined;
      const down = Date.now();

      // A few seconds without a read of the registry topic: self-preservation, reported as degraded.
      await eventually(
        async () => {
          const { status, body } = await health();
          expect(status).toBe(200);
          expect(body.status).toBe('degraded');
          expect(body.details.registry).toMatchObject({ status: 'degraded', selfPreservation: true });
        },
        { timeoutMs: 15_000 },
      );
      const checks = await throughout(OUTAGE_MS - (Date.now() - down), 1_000, async () => {
        const listing = await registryOf(edge);
        expect(listing.selfPreservation).toBe(true);
        expect(listing.services['id-service']?.map((i) => i.instanceId)).toEqual(['id-a', 'id-b']);
        expect((await health()).status).toBe(200);
      });
      const duringOutage = load.since(stopping).length;

      const logsBefore = edge.logs.lines.length;
      const restarting = Date.now();
      kafka = await startKafka(kafkaOptions);
      const back = Date.now();
      const converged = await eventually(
        async () => {
          const listing = await registryOf(edge);
          expect(listing.selfPreservation).toBe(false);
          const instances = listing.services['id-service'] ?? [];
          expect(instances.map((i) => i.instanceId)).toEqual(['id-a', 'id-b']);
          for (const instance of instances) {
            // A heartbeat published since the broker came back, not one kept through the outage.
            expect(Date.parse(instance.lastHeartbeat)).toBeGreaterThan(restarting);
            expect(instance.heartbeatAgeMs).toBeLessThan(3 * HEARTBEAT_MS);
          }
          return Date.now() - back;
        },
        { timeoutMs: CONVERGENCE_MS, intervalMs: 100 },
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\nthe gateway's warnings since:\n${warningsSince(logsBefore)}`);
      });
      await eventually(async () => expect((await health()).body.status).toBe('ok'), { timeoutMs: 10_000 });
      // Both instances serve again: an instance whose readiness failed while Kafka was away comes
      // back at its next active health check (every 5 s), so this may take a few seconds.
      const afterReturn = Date.now();
      const bothServing = await eventually(
        () => {
          expect(new Set(load.since(afterReturn).map((r) => r.servedBy))).toEqual(new Set(['id-a', 'id-b']));
          return Date.now() - afterReturn;
        },
        { timeoutMs: 15_000, intervalMs: 50 },
      );
      const results = await load.stop();

      reportFigure(
        'static-stability',
        `${results.length} requests (${duringOutage} while Kafka was stopping and down), ` +
          `${load.failures().length} failed; ${checks} checks of the registry during the outage; ` +
          `view converged ${converged} ms after the broker was back (restart took ${back - restarting} ms, ` +
          `stop ${down - stopping} ms); both instances serving again ${bothServing} ms after the view was healthy`,
      );
      const failures = load.failures();
      if (failures.length > 0) {
        // When, against the outage's timeline, and what the gateway's view did meanwhile.
        const at = (t: number) => `${t - stopping} ms after the stop began`;
        throw new Error(
          `${failures.length} requests failed, the first ${at(failures[0]!.at)}, the last ` +
            `${at(failures.at(-1)!.at)} (Kafka down ${at(down)}, restarted ${at(restarting)}, back ${at(back)}): ` +
            `${failures[0]!.problem}\nthe gateway's warnings since the stop:\n${warningsSince(logsAtStop)}`,
        );
      }
    } finally {
      await load.stop();
    }
  }, 240_000);
});
