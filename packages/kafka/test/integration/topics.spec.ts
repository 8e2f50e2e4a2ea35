import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigResourceTypes, Partitioners, type Admin, type Kafka } from 'kafkajs';

import { createLogger } from '@platform/observability';
import { testKafkaBrokers, uniqueTopic } from '@platform/testing';

import { createKafka } from '../../src/kafka-client.js';
import { ensureTopic } from '../../src/topics.js';

let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  kafka = createKafka({
    brokers: testKafkaBrokers(),
    clientId: 'topics-test',
    logger: createLogger({ service: 'kafka-test', instance: 'topics', level: 'silent' }),
  });
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin.disconnect();
});

async function describeTopic(topic: string) {
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [
      {
        type: ConfigResourceTypes.TOPIC,
        name: topic,
        configNames: ['cleanup.policy', 'delete.retention.ms', 'min.compaction.lag.ms'],
      },
    ],
  });
  const config = Object.fromEntries(
    (resources[0]?.configEntries ?? []).map((entry) => [entry.configName, entry.configValue]),
  );
  return { partitions: metadata.topics[0]?.partitions.length, config };
}

async function topicCount(topic: string): Promise<number> {
  return (await admin.listTopics()).filter((name) => name === topic).length;
}

describe(ensureTopic.name, () => {
  it('creates a compacted topic that keeps tombstones, ready to produce to at once', async () => {
    const topic = uniqueTopic('registry');
    await ensureTopic(kafka, { topic, compacted: true, partitions: 3 });

    expect(await describeTopic(topic)).toEqual({
      partitions: 3,
      config: expect.objectContaining({
        'cleanup.policy': 'compact',
        'delete.retention.ms': '3600000',
      }) as unknown,
    });
    const producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      const [sent] = await producer.send({ topic, messages: [{ key: 'a', value: 'v' }] });
      expect(sent?.errorCode).toBe(0);
    } finally {
      await producer.disconnect();
    }
  });

  it('creates a topic once: a second call leaves it as it is', async () => {
    const topic = uniqueTopic('once');
    await ensureTopic(kafka, { topic, compacted: true, partitions: 2 });
    await ensureTopic(kafka, { topic, partitions: 5, config: { 'cleanup.policy': 'delete' } });

    expect(await topicCount(topic)).toBe(1);
    expect(await describeTopic(topic)).toMatchObject({
      partitions: 2,
      config: { 'cleanup.policy': 'compact' },
    });
  });

  it('is safe when five instances ensure the same topic at once', async () => {
    const topic = uniqueTopic('race');
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => ensureTopic(kafka, { topic, compacted: true })),
    );

    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(await topicCount(topic)).toBe(1);
    expect(await describeTopic(topic)).toMatchObject({
      partitions: 1,
      config: { 'cleanup.policy': 'compact' },
    });
  });

  it('passes extra settings through, and lets them override the compaction defaults', async () => {
    const topic = uniqueTopic('custom');
    await ensureTopic(kafka, {
      topic,
      compacted: true,
      config: { 'delete.retention.ms': '1000', 'min.compaction.lag.ms': '500' },
    });

    expect((await describeTopic(topic)).config).toEqual({
      'cleanup.policy': 'compact',
      'delete.retention.ms': '1000',
      'min.compaction.lag.ms': '500',
    });
  });

  it('leaves a plain topic on the delete policy', async () => {
    const topic = uniqueTopic('plain');
    await ensureTopic(kafka, { topic });
    expect((await describeTopic(topic)).config['cleanup.policy']).toBe('delete');
  });
});
