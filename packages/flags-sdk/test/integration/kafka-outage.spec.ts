import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Module, type DynamicModule } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

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
  TEST_ADMIN_TOKEN,
  TestServices,
  uniqueTopic,
  type TestService,
} from '@platform/testing';

import { FlagsClient } from '../../src/flags-client.js';
import { FlagsModule, flagsOptionsFrom } from '../../src/nest/flags.module.js';
import { readSnapshot } from '../../src/snapshot-file.js';
import { fixedFlag, flagMessage, rolloutFlag } from '../../src/testing/wire-messages.js';
import { FlagsTestKafka } from './kafka-fixtures.js';

/** The bounds: listening within ~10 s with Kafka frozen, stopped within 5 s. */
const LISTEN_BOUND_MS = 10_000;
const STOP_BOUND_MS = 5_000;
const USERS = Array.from({ length: 200 }, (_, i) => `user-${i}`);

/** The smallest service with feature flags, configured from its environment as every app is. */
@Module({})
class FlaggedModule {
  static forRoot(config: BaseEnv): DynamicModule {
    return { module: FlaggedModule, imports: [FlagsModule.forRoot(flagsOptionsFrom(config))] };
  }
}

const logger = createLogger({ service: 'flags-sdk-test', instance: 'outage', level: 'silent' });

describe('a service with flags restarted while Kafka is frozen', () => {
  const services = new TestServices();
  let kafka: FlagsTestKafka;
  let topic: string;
  let dir: string;
  let broker: BlackHoleBroker | undefined;

  const start = (env: Record<string, string>): Promise<TestService<RunningService>> =>
    services.start({
      createServiceApp,
      name: 'flagged',
      readConfig: (vars) => loadConfig(baseEnvSchema, vars),
      module: (config: BaseEnv) => FlaggedModule.forRoot(config),
      registryTopic: uniqueTopic('unused-registry'),
      instanceId: 'flagged-1',
      env: { SNAPSHOT_DIR: dir, FLAGS_TOPIC: topic, ...env },
    });
  const served = (client: FlagsClient) =>
    USERS.map((userId) => client.evaluate('new-checkout', { userId }, 'fallback').value);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'flags-outage-'));
    kafka = new FlagsTestKafka(logger);
    topic = await kafka.topic();
    await kafka.publish(
      topic,
      flagMessage(rolloutFlag('new-checkout', 30), 3),
      flagMessage(fixedFlag('theme', 'dark', 'dark'), 1),
    );
  });

  afterAll(async () => {
    await services.stopAll();
    await kafka.close();
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts within the bound, evaluates its last known flags, and stops within the bound', async () => {
    // First life, Kafka answering: the client reads the topic and keeps its snapshot in SNAPSHOT_DIR.
    const first = await start({});
    const before = first.app.get(FlagsClient);
    expect(await before.whenCaughtUp(30_000)).toBe(true);
    const servedBefore = served(before);
    expect(servedBefore).toContain(true);
    expect(servedBefore).toContain(false);
    await eventually(
      async () =>
        expect(await readSnapshot(path.join(dir, 'flags.json'), topic)).toMatchObject({ status: 'loaded' }),
      { timeoutMs: 10_000 },
    );
    await first.shutdown('restart');

    // Second life: the broker accepts connections and never answers.
    broker = await BlackHoleBroker.start();
    const startedAt = performance.now();
    const second = await start({ KAFKA_BROKERS: broker.address });
    const listeningMs = Math.round(performance.now() - startedAt);
    const after = second.app.get(FlagsClient);

    expect(after.caughtUp).toBe(false);
    expect(served(after)).toEqual(servedBefore);
    expect(after.evaluate('theme', {}).value).toBe('dark');
    const { status, body } = await requestJson<{ caughtUp: boolean; flags: unknown[] }>(
      `${second.url}/admin/flags`,
      { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } },
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      caughtUp: false,
      flags: [
        { key: 'new-checkout', version: 3 },
        { key: 'theme', version: 1 },
      ],
      segments: [],
    });
    await eventually(() => expect(broker?.connections).toBeGreaterThan(0), { timeoutMs: 5_000 });

    const stopping = performance.now();
    await second.shutdown('test finished');
    const stopMs = Math.round(performance.now() - stopping);
    process.stderr.write(
      `  [measured] listening after ${listeningMs} ms, stop took ${stopMs} ms (flags, Kafka frozen)\n`,
    );
    expect(listeningMs).toBeLessThan(LISTEN_BOUND_MS);
    expect(stopMs).toBeLessThanOrEqual(STOP_BOUND_MS);
    // Stopped, the client still answers from memory; the snapshot it restarted from is intact.
    expect(served(after)).toEqual(servedBefore);
    expect(await readSnapshot(path.join(dir, 'flags.json'), topic)).toMatchObject({ status: 'loaded' });
  }, 120_000);
});
