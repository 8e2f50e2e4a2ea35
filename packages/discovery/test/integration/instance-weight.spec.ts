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
  eventually,
  requestJson,
  TEST_ADMIN_TOKEN,
  testKafkaBrokers,
  TestServices,
  uniqueTopic,
  type TestService,
} from '@platform/testing';

import { DiscoveryModule } from '../../src/nest/discovery.module.js';
import { discoveryOptionsFrom } from '../../src/nest/discovery.options.js';
import { RegistryView } from '../../src/registry-view.js';

/** Heartbeats this far apart: a change seen sooner was published out of turn. */
const HEARTBEAT_MS = 15_000;

/** An instance that announces itself and nothing else. */
@Module({})
class AnnouncedModule {
  static forRoot(config: BaseEnv): DynamicModule {
    return {
      module: AnnouncedModule,
      imports: [
        DiscoveryModule.forRoot(
          discoveryOptionsFrom(config, { announce: true, watch: false, routes: ['items'] }),
        ),
      ],
    };
  }
}

const logger = createLogger({ service: 'discovery-test', instance: 'weight', level: 'silent' });

describe('an instance weight, set at start and changed at run time', () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('registry-weight');
  let kafka: Kafka;
  let view: RegistryView;
  let instance: TestService<RunningService>;

  const weightSeen = () => view.instances('items').find((i) => i.id === 'items-1')?.weight;
  const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  const putWeight = (json: unknown, headers: Record<string, string> = admin) =>
    requestJson<Record<string, unknown>>(`${instance.url}/admin/weight`, { method: 'PUT', json, headers });

  beforeAll(async () => {
    kafka = createKafka({ brokers: testKafkaBrokers(), clientId: 'registry-weight-test', logger });
    await ensureTopic(kafka, { topic: registryTopic, compacted: true });
    view = new RegistryView({ kafka, topic: registryTopic, logger, viewerId: 'weight-test' });
    await view.start();
    instance = await services.start({
      createServiceApp,
      name: 'items',
      readConfig: (vars) => loadConfig(baseEnvSchema, vars),
      module: (config: BaseEnv) => AnnouncedModule.forRoot(config),
      registryTopic,
      instanceId: 'items-1',
      env: {
        INSTANCE_WEIGHT: '5',
        REGISTRY_HEARTBEAT_MS: String(HEARTBEAT_MS),
        REGISTRY_TTL_MS: String(HEARTBEAT_MS * 2),
      },
    });
  });

  afterAll(async () => {
    await services.stopAll();
    await view?.stop();
  });

  it('announces INSTANCE_WEIGHT as its weight', async () => {
    await eventually(() => expect(weightSeen()).toBe(5), { timeoutMs: 20_000 });
    expect(view.instances('items')[0]?.metadata).toMatchObject({ weight: '5', routes: 'items' });
    const read = await requestJson(`${instance.url}/admin/weight`, { headers: admin });
    expect(read.body).toEqual({ instanceId: 'items-1', weight: 5 });
  });

  it('publishes a new weight at once, well before the next heartbeat', async () => {
    await eventually(() => expect(weightSeen()).toBe(5), { timeoutMs: 20_000 });
    const started = performance.now();

    const changed = await putWeight({ weight: 2 });
    await eventually(() => expect(weightSeen()).toBe(2), { timeoutMs: HEARTBEAT_MS / 3 });

    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ instanceId: 'items-1', weight: 2, announced: true });
    expect(performance.now() - started).toBeLessThan(HEARTBEAT_MS / 3);
    // The next heartbeats carry it too: the routes stay as they were.
    expect(view.instances('items')[0]?.metadata).toMatchObject({ weight: '2', routes: 'items' });
    expect((await requestJson(`${instance.url}/admin/weight`, { headers: admin })).body).toMatchObject({
      weight: 2,
    });
  });

  it.each([
    [{ weight: 0 }, 'weight must be a whole number from 1 to 100'],
    [{ weight: 101 }, 'weight must be a whole number from 1 to 100'],
    [{ weight: 2.5 }, 'weight must be a whole number from 1 to 100'],
    [{ weight: '3' }, 'weight must be a whole number from 1 to 100'],
    [{ weight: 3, share: 1 }, 'Unrecognized key: "share"'],
  ])('refuses %j with a 400 naming the field, and keeps the weight', async (json, message) => {
    const before = (await requestJson<{ weight: number }>(`${instance.url}/admin/weight`, { headers: admin }))
      .body;

    const refused = await putWeight(json);

    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      error: { code: 'validation_failed', message: expect.stringContaining(message) },
    });
    expect((await requestJson(`${instance.url}/admin/weight`, { headers: admin })).body).toEqual(before);
  });

  it('needs the admin token', async () => {
    const refused = await putWeight({ weight: 9 }, {});
    expect(refused.status).toBe(401);
    expect(weightSeen()).not.toBe(9);
  });
});
