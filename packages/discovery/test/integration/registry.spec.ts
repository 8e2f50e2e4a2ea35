import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Partitioners, type Kafka } from 'kafkajs';
import { Registry } from 'prom-client';

import { CONSUMER_LAG_METRIC, createKafka, ensureTopic } from '@platform/kafka';
import { createLogger } from '@platform/observability';
import { eventually, testKafkaBrokers, uniqueTopic } from '@platform/testing';

import { INSTANCE_RECORD_VERSION, type InstanceRecord } from '../../src/instance-record.js';
import { RegistryAnnouncer } from '../../src/registry-announcer.js';
import { REGISTRY_METRIC, registerRegistryMetrics } from '../../src/registry-metrics.js';
import { RegistryView, type RemovalReason } from '../../src/registry-view.js';

const logger = createLogger({ service: 'discovery-test', instance: 'test', level: 'silent' });
let kafka: Kafka;
/** Everything a test started, stopped after it in reverse order. */
const running: { stop(): Promise<void> }[] = [];

beforeAll(() => {
  kafka = createKafka({ brokers: testKafkaBrokers(), clientId: 'registry-test', logger });
});

afterEach(async () => {
  for (const started of running.splice(0).reverse()) await started.stop();
});

/** A compacted registry topic of the test's own. */
async function registryTopic(): Promise<string> {
  const topic = uniqueTopic('registry');
  await ensureTopic(kafka, { topic, compacted: true });
  return topic;
}

function announce(
  topic: string,
  instanceId: string,
  { ttlMs = 10_000, heartbeatIntervalMs = 500 }: { ttlMs?: number; heartbeatIntervalMs?: number } = {},
): RegistryAnnouncer {
  const announcer = new RegistryAnnouncer({
    kafka,
    topic,
    logger,
    heartbeatIntervalMs,
    instance: {
      service: 'users',
      instanceId,
      host: '127.0.0.1',
      port: 3000,
      version: '1.0.0',
      zone: 'local',
      metadata: {},
      ttlMs,
    },
  });
  running.push(announcer);
  announcer.start();
  return announcer;
}

async function watch(topic: string) {
  const view = new RegistryView({ kafka, topic, logger, viewerId: 'test', sweepIntervalMs: 100 });
  const metrics = new Registry();
  registerRegistryMetrics(view, metrics);
  const removed: { id: string; reason: RemovalReason; at: number }[] = [];
  const added: string[] = [];
  view.on('removed', (instance, reason) => removed.push({ id: instance.id, reason, at: Date.now() }));
  view.on('added', (instance) => added.push(instance.id));
  running.push(view);
  await view.start();
  const ids = () => view.instances('users').map((instance) => instance.id);
  return { view, metrics, removed, added, ids };
}

/** Writes raw messages, as a buggy or hostile client could. */
async function writeRaw(topic: string, messages: { key: string | null; value: string | null }[]) {
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    for (const message of messages) await producer.send({ topic, acks: -1, messages: [message] });
  } finally {
    await producer.disconnect();
  }
}

function record(instanceId: string, overrides: Partial<InstanceRecord> = {}): string {
  const now = Date.now();
  const value: InstanceRecord = {
    v: INSTANCE_RECORD_VERSION,
    service: 'users',
    instanceId,
    host: '127.0.0.1',
    port: 3000,
    version: '1.0.0',
    zone: 'local',
    metadata: {},
    ttlMs: 10_000,
    status: 'up',
    heartbeatAt: now,
    startedAt: now,
    ...overrides,
  };
  return JSON.stringify(value);
}

async function counterValues(
  metrics: Registry,
  name: string,
  label: string,
): Promise<Record<string, number>> {
  const metric = metrics.getSingleMetric(name);
  if (!metric) throw new Error(`${name} is not registered`);
  const { values } = await metric.get();
  return Object.fromEntries(values.map((sample) => [String(sample.labels[label]), sample.value]));
}

describe(`${RegistryAnnouncer.name} and ${RegistryView.name} over Kafka`, () => {
  it('shows a view every announced instance once it has caught up', async () => {
    const topic = await registryTopic();
    announce(topic, 'users-a');
    announce(topic, 'users-b');
    const { view, metrics, ids } = await watch(topic);

    expect(await view.whenCaughtUp(20_000)).toBe(true);
    await eventually(() => expect(ids()).toEqual(['users-a', 'users-b']), { timeoutMs: 15_000 });
    expect(await counterValues(metrics, REGISTRY_METRIC.instances, 'service')).toEqual({ users: 2 });
    // Heartbeats keep coming once caught up: each one's delay is measured, and the view is not behind.
    await eventually(
      async () => {
        const exposition = await metrics.getSingleMetricAsString(REGISTRY_METRIC.updateDelay);
        const count = Number(/_count (\d+)/.exec(exposition)?.[1] ?? 0);
        expect(count).toBeGreaterThan(0);
      },
      { timeoutMs: 10_000 },
    );
    expect(await counterValues(metrics, CONSUMER_LAG_METRIC, 'stream')).toEqual({ registry: 0 });
  });

  it('drops an instance within a second of it leaving', async () => {
    const topic = await registryTopic();
    const leaving = announce(topic, 'users-a');
    announce(topic, 'users-b');
    const { view, removed, ids } = await watch(topic);
    await view.whenCaughtUp(20_000);
    await eventually(() => expect(ids()).toEqual(['users-a', 'users-b']), { timeoutMs: 15_000 });

    await leaving.leave();
    await eventually(() => expect(ids()).toEqual(['users-b']), { timeoutMs: 1_000 });
    expect(removed.map(({ id, reason }) => [id, reason])).toEqual([['users-a', 'left']]);
  });

  it('expires an instance whose heartbeats stop, once its TTL has passed', async () => {
    const topic = await registryTopic();
    // One record at start, then silence: the next beat would be a minute away.
    announce(topic, 'users-silent', { ttlMs: 1_500, heartbeatIntervalMs: 60_000 });
    const { view, removed, ids } = await watch(topic);
    await eventually(() => expect(ids()).toEqual(['users-silent']), { timeoutMs: 15_000 });
    const lastBeat = view.instances('users')[0]!.heartbeatAt;

    await eventually(
      () => expect(removed.map((r) => [r.id, r.reason])).toEqual([['users-silent', 'expired']]),
      {
        timeoutMs: 5_000,
      },
    );
    expect(ids()).toEqual([]);
    const expiredAfter = removed[0]!.at - lastBeat;
    expect(expiredAfter).toBeGreaterThanOrEqual(1_500);
    expect(expiredAfter).toBeLessThan(3_000);
  });

  it('ignores and counts malformed messages, which never remove a valid instance', async () => {
    const topic = await registryTopic();
    // A long TTL and no further beats: only its first record keeps it in the view.
    announce(topic, 'users-a', { ttlMs: 60_000, heartbeatIntervalMs: 60_000 });
    const { metrics, removed, ids } = await watch(topic);
    await eventually(() => expect(ids()).toEqual(['users-a']), { timeoutMs: 15_000 });

    await writeRaw(topic, [
      { key: 'users-a', value: 'this is not JSON' },
      { key: 'users-a', value: JSON.stringify({ v: 1, service: 'users', instanceId: 'users-a' }) },
      { key: 'users-a', value: record('users-evil') },
      // A compacted topic refuses a message without a key; an empty key is the closest a client gets.
      { key: '', value: record('users-a') },
      { key: 'not a valid id', value: null },
    ]);

    await eventually(
      async () =>
        expect(await counterValues(metrics, REGISTRY_METRIC.invalidMessages, 'reason')).toEqual({
          not_json: 1,
          schema: 1,
          key_mismatch: 1,
          no_key: 2,
        }),
      { timeoutMs: 10_000 },
    );
    expect(ids()).toEqual(['users-a']);
    expect(removed).toEqual([]);
  });

  it('lets a view started later catch up on live instances, and not on old or departed ones', async () => {
    const topic = await registryTopic();
    announce(topic, 'users-live');
    await writeRaw(topic, [
      { key: 'users-old', value: record('users-old', { heartbeatAt: Date.now() - 120_000, ttlMs: 1_000 }) },
      { key: 'users-gone', value: record('users-gone') },
      { key: 'users-gone', value: null },
    ]);
    // The live instance's first record is on the topic before the view starts.
    const first = await watch(topic);
    await eventually(() => expect(first.ids()).toEqual(['users-live']), { timeoutMs: 15_000 });

    const late = await watch(topic);
    expect(await late.view.whenCaughtUp(20_000)).toBe(true);
    expect(late.view.caughtUp).toBe(true);
    expect(late.ids()).toEqual(['users-live']);
    expect(late.added).not.toContain('users-old');
  });
  it('starts when its first consumer cannot join the group, and catches up with a later one', async () => {
    const topic = await registryTopic();
    announce(topic, 'users-1');
    // The broker refuses to let the first consumer join (a session timeout below its minimum), as a
    // broker still loading its group coordinator does for a while after it starts.
    let consumers = 0;
    const refusingFirst = new Proxy(kafka, {
      get(target, property, receiver) {
        if (property !== 'consumer') return Reflect.get(target, property, receiver) as unknown;
        return (config: Parameters<Kafka['consumer']>[0]) =>
          target.consumer(
            ++consumers === 1 ? { ...config, sessionTimeout: 10, heartbeatInterval: 1 } : config,
          );
      },
    });
    const warnings: string[] = [];
    const view = new RegistryView({
      kafka: refusingFirst,
      topic,
      viewerId: 'test',
      sweepIntervalMs: 100,
      logger: createLogger({
        service: 'discovery-test',
        instance: 'test',
        level: 'warn',
        destination: { write: (line: string) => warnings.push((JSON.parse(line) as { msg: string }).msg) },
      }),
    });
    running.push(view);

    await view.start();
    expect(await view.whenCaughtUp(15_000)).toBe(true);
    await eventually(() => expect(view.instances('users').map((i) => i.id)).toEqual(['users-1']), {
      timeoutMs: 15_000,
    });
    expect(consumers).toBeGreaterThan(1);
    expect(warnings).toContainEqual(
      expect.stringMatching(/cannot read the registry topic yet; keeping what is already known and retrying/),
    );
  });
});
