import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Consumer } from 'kafkajs';

import { ensureTopic } from '@platform/kafka';

import {
  createTestDatabase,
  createTestKafka,
  eventually,
  requestJson,
  TEST_ADMIN_TOKEN,
  TestServices,
  uniqueTopic,
  type TestDatabase,
} from '@platform/testing';

import { flagsService, type FlagsServiceInstance } from '../flags-service.harness.js';

const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

interface Published {
  readonly key: string;
  readonly value: {
    v: number;
    kind: string;
    key: string;
    version: number;
    deleted: boolean;
    definition: unknown;
  };
  readonly receivedAt: number;
}

describe('flag changes published on Kafka (transactional outbox)', () => {
  const services = new TestServices();
  const topic = uniqueTopic('flags');
  const received: Published[] = [];
  let database: TestDatabase;
  let flags: FlagsServiceInstance;
  let consumer: Consumer;

  const put = (key: string, json: unknown) =>
    requestJson(`${flags.url}/flags/${key}`, { method: 'PUT', json, headers: admin });
  const messagesFor = (key: string) => received.filter((m) => m.key === `flag:${key}`);

  beforeAll(async () => {
    database = await createTestDatabase('flags_publishing');
    flags = await services.start(
      flagsService({
        registryTopic: uniqueTopic('flags-publishing'),
        instanceId: 'flags-p',
        databaseUrl: database.url,
        env: { FLAGS_TOPIC: topic },
      }),
    );
    // flags-service creates the topic in the background once it reaches Kafka; the same spec here
    // (idempotent) lets this reader subscribe without waiting for that.
    const kafka = createTestKafka('flags-publishing-test');
    await ensureTopic(kafka, { topic, compacted: true });
    consumer = kafka.consumer({
      groupId: uniqueTopic('reader'),
      maxWaitTimeInMs: 100,
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        received.push({
          key: message.key?.toString() ?? '',
          value: JSON.parse(message.value?.toString() ?? 'null') as Published['value'],
          receivedAt: Date.now(),
        });
        return Promise.resolve();
      },
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await services.stopAll();
    await database?.drop();
  });

  it('publishes each change with its version, keyed by flag, within a moment of the PUT', async () => {
    const sent = Date.now();
    expect((await put('published', { enabled: true })).status).toBe(201);
    await eventually(() => expect(messagesFor('published')).toHaveLength(1), { intervalMs: 20 });
    expect(messagesFor('published')[0]!.value).toMatchObject({
      v: 1,
      kind: 'flag',
      key: 'published',
      version: 1,
      deleted: false,
      definition: { key: 'published', enabled: true, variants: { on: true, off: false } },
    });
    process.stdout.write(
      `  [measured] flags-service PUT → message on Kafka: ${messagesFor('published')[0]!.receivedAt - sent} ms\n`,
    );

    await put('published', { enabled: false });
    await eventually(() => expect(messagesFor('published').map((m) => m.value.version)).toEqual([1, 2]));
  });

  it('publishes nothing for a refused change', async () => {
    await put('refused', { enabled: true });
    await eventually(() => expect(messagesFor('refused')).toHaveLength(1));

    expect((await put('refused', { enabled: true, variants: 'none' })).status).toBe(400);
    await put('marker', { enabled: true }); // published after the refused one would have been
    await eventually(() => expect(messagesFor('marker')).toHaveLength(1));

    expect(messagesFor('refused')).toHaveLength(1);
  });

  it('publishes a delete as a newer version, and a flag made again keeps counting up', async () => {
    await put('recreated', { enabled: true });
    await requestJson(`${flags.url}/flags/recreated`, { method: 'DELETE', headers: admin });
    await put('recreated', { enabled: false });

    await eventually(() => expect(messagesFor('recreated')).toHaveLength(3));
    expect(
      messagesFor('recreated').map((m) => [m.value.version, m.value.deleted, m.value.definition === null]),
    ).toEqual([
      [1, false, false],
      [2, true, true],
      [3, false, false],
    ]);
  });
});
