import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Module, type DynamicModule } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kafka } from 'kafkajs';

import { createKafka, ensureTopic } from '@platform/kafka';
import { createLogger } from '@platform/observability';
import {
  baseEnvSchema,
  createServiceApp,
  loadConfig,
  type BaseEnv,
  type RunningService,
} from '@platform/service-kit';
import {
  BlackHoleBroker,
  eventually,
  requestJson,
  testKafkaBrokers,
  TestServices,
  uniqueTopic,
  type TestService,
} from '@platform/testing';

import { DiscoveryModule } from '../../src/nest/discovery.module.js';
import { discoveryOptionsFrom } from '../../src/nest/discovery.options.js';
import { readRegistrySnapshot } from '../../src/registry-snapshot.js';
import { RegistryAnnouncer } from '../../src/registry-announcer.js';
import { RegistryView } from '../../src/registry-view.js';

/** The bounds: listening within ~10 s with Kafka frozen, stopped within 5 s. */
const LISTEN_BOUND_MS = 10_000;
const STOP_BOUND_MS = 5_000;

interface HealthBody {
  readonly status: string;
  readonly details: Record<string, { status: string; restoredFromSnapshot?: number }>;
}

/** A service that watches the registry, as the gateway does: the smallest app DiscoveryModule runs in. */
@Module({})
class WatcherModule {
  static forRoot(config: BaseEnv): DynamicModule {
    return {
      module: WatcherModule,
      imports: [DiscoveryModule.forRoot(discoveryOptionsFrom(config, { announce: true, watch: true }))],
    };
  }
}

const logger = createLogger({ service: 'discovery-test', instance: 'outage', level: 'silent' });

describe('a watching service restarted while Kafka is frozen', () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('registry-outage');
  const announcers: RegistryAnnouncer[] = [];
  let kafka: Kafka;
  let dir: string;
  let broker: BlackHoleBroker | undefined;

  const start = (env: Record<string, string>): Promise<TestService<RunningService>> =>
    services.start({
      createServiceApp,
      name: 'watcher',
      readConfig: (vars) => loadConfig(baseEnvSchema, vars),
      module: (config: BaseEnv) => WatcherModule.forRoot(config),
      registryTopic,
      instanceId: 'watcher-1',
      env: { SNAPSHOT_DIR: dir, ...env },
    });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'registry-outage-'));
    kafka = createKafka({ brokers: testKafkaBrokers(), clientId: 'registry-outage-test', logger });
    await ensureTopic(kafka, { topic: registryTopic, compacted: true });
    for (const instanceId of ['users-a', 'users-b']) {
      const announcer = new RegistryAnnouncer({
        kafka,
        topic: registryTopic,
        logger,
        heartbeatIntervalMs: 500,
        instance: {
          service: 'users',
          instanceId,
          host: '127.0.0.1',
          port: 3000,
          version: '1.0.0',
          zone: 'local',
          metadata: {},
          ttlMs: 3_000,
        },
      });
      announcer.start();
      announcers.push(announcer);
    }
  });

  afterAll(async () => {
    await services.stopAll();
    await Promise.allSettled(announcers.map((announcer) => announcer.stop()));
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts within the bound, routes on its snapshot, stays ready, and stops within the bound', async () => {
    // First life, Kafka answering: the view reads the topic and keeps its snapshot.
    const first = await start({});
    const view = first.app.get(RegistryView);
    const ids = (of: RegistryView) => of.instances('users').map((instance) => instance.id);
    await eventually(() => expect(ids(view)).toEqual(['users-a', 'users-b']), { timeoutMs: 30_000 });
    const file = path.join(dir, 'registry.json');
    await eventually(
      async () => {
        const read = await readRegistrySnapshot(file, registryTopic);
        expect(read.status === 'loaded' ? read.records.map((r) => r.instanceId).sort() : read).toEqual(
          expect.arrayContaining(['users-a', 'users-b']),
        );
      },
      { timeoutMs: 20_000 },
    );
    await first.shutdown('restart');

    // Second life: the broker accepts connections and never answers.
    broker = await BlackHoleBroker.start();
    const startedAt = performance.now();
    const second = await start({ KAFKA_BROKERS: broker.address });
    const listeningMs = Math.round(performance.now() - startedAt);
    const restored = second.app.get(RegistryView);

    expect(ids(restored)).toEqual(['users-a', 'users-b']);
    expect(restored.instances('users').every((instance) => instance.restoredAt !== undefined)).toBe(true);
    // Its own record from its first life is not restored: it is the one starting, maybe on a new port.
    expect(restored.snapshot().has('watcher')).toBe(false);
    expect(broker.connections).toBeGreaterThan(0); // it did try the frozen broker

    const asked = performance.now();
    const health = await requestJson<HealthBody>(`${second.url}/health/ready`);
    const healthMs = Math.round(performance.now() - asked);
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.details['kafka']?.status).toBe('degraded');
    expect(health.body.details['registry']).toMatchObject({ status: 'degraded', restoredFromSnapshot: 2 });
    expect(healthMs).toBeLessThan(1_500);

    // Longer than the instances' TTL (3 s) with Kafka frozen: nothing heard, nothing expired.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(ids(restored)).toEqual(['users-a', 'users-b']);

    const stopping = performance.now();
    await second.shutdown('test finished');
    const stopMs = Math.round(performance.now() - stopping);
    process.stderr.write(
      `  [measured] listening after ${listeningMs} ms, stop took ${stopMs} ms; /health/ready answered in ${healthMs} ms (registry, Kafka frozen)\n`,
    );
    expect(listeningMs).toBeLessThan(LISTEN_BOUND_MS);
    expect(stopMs).toBeLessThanOrEqual(STOP_BOUND_MS);
  }, 120_000);
});
