import fs from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigResourceTypes, Kafka, logLevel, Partitioners, type Admin } from 'kafkajs';

// The built package: startKafka runs its host script from dist/, next to the compiled code.
import { freePort, isPortFree, kafkaVersion, startKafka, type LocalKafka } from '@platform/local-infra';

import { processesMentioning, processIsGone } from './processes.js';

const FIRST_START_MS = 300_000; // the first start on a machine also fetches the jars with mvn

let dir: string;
let port: number;
let controllerPort: number;
let broker: LocalKafka | undefined;
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-infra-kafka-'));
  port = await freePort();
  controllerPort = await freePort();
  broker = await startKafka({
    dataDir: path.join(dir, 'data'),
    port,
    controllerPort,
    logFile: path.join(dir, 'kafka.log'),
    persistent: false,
  });
  kafka = new Kafka({
    clientId: 'local-infra-test',
    brokers: [...broker.brokers],
    logLevel: logLevel.NOTHING,
  });
  admin = kafka.admin();
  await admin.connect();
}, FIRST_START_MS);

afterAll(async () => {
  await admin?.disconnect();
  await broker?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe(startKafka.name, () => {
  const topic = 'registry.compacted';

  it(`runs the Kafka version the pom pins (${kafkaVersion()}) on the requested port`, () => {
    expect(kafkaVersion()).toBe('3.9.1');
    expect(broker?.version).toBe(kafkaVersion());
    expect(broker?.brokers).toEqual([`127.0.0.1:${port}`]);
  });

  it('lets kafkajs 2.2.4 create a compacted topic', async () => {
    expect(
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic,
            numPartitions: 1,
            configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
          },
        ],
      }),
    ).toBe(true);

    expect(await admin.listTopics()).toContain(topic);
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }],
    });
    expect(resources[0]?.configEntries).toEqual([
      expect.objectContaining({ configName: 'cleanup.policy', configValue: 'compact' }),
    ]);
  });

  it('carries keyed messages and a tombstone to a consumer group reading from the beginning, with committed offsets', async () => {
    const producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: 'users-a', value: '{"port":3001}' },
        { key: 'users-b', value: '{"port":3002}' },
        { key: 'users-a', value: null },
      ],
    });

    const groupId = 'local-infra-test-group';
    const read = async (expected: number) => {
      const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
      const seen: { key: string | undefined; value: string | null; offset: string }[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const done = new Promise<void>((resolve) => {
        void consumer.run({
          autoCommit: false,
          eachMessage: async ({ message, partition }) => {
            seen.push({
              key: message.key?.toString(),
              value: message.value?.toString() ?? null,
              offset: message.offset,
            });
            await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
            if (seen.length === expected) resolve();
          },
        });
      });
      await done;
      await consumer.disconnect();
      return seen;
    };

    expect(await read(3)).toEqual([
      { key: 'users-a', value: '{"port":3001}', offset: '0' },
      { key: 'users-b', value: '{"port":3002}', offset: '1' },
      { key: 'users-a', value: null, offset: '2' },
    ]);
    expect(await admin.fetchOffsets({ groupId, topics: [topic] })).toEqual([
      { topic, partitions: [expect.objectContaining({ partition: 0, offset: '3' })] },
    ]);

    // The group resumes after its committed offset, however it subscribes.
    await producer.send({ topic, acks: -1, messages: [{ key: 'users-c', value: '{"port":3003}' }] });
    await producer.disconnect();
    expect(await read(1)).toEqual([{ key: 'users-c', value: '{"port":3003}', offset: '3' }]);
  }, 60_000);

  it('stops completely: no host, no broker process, both ports free', async () => {
    const { pid } = broker!;
    // The host and the Java broker it started both run with the data directory on their command line.
    expect(processesMentioning(dir)).toContain(pid);
    expect(processesMentioning(dir).length).toBeGreaterThanOrEqual(2);
    await admin.disconnect();
    await broker!.stop();
    broker = undefined;

    expect(processIsGone(pid)).toBe(true);
    expect(processesMentioning(dir)).toEqual([]);
    expect(await isPortFree(port)).toBe(true);
    expect(await isPortFree(controllerPort)).toBe(true);
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
  }, 60_000);

  it('refuses at once a port already in use, naming it', async () => {
    const busy = createServer();
    const taken = await freePort();
    await new Promise<void>((resolve) => busy.listen(taken, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      await expect(
        startKafka({
          dataDir: path.join(dir, 'unused'),
          port: taken,
          controllerPort: await freePort(),
          logFile: path.join(dir, 'unused.log'),
        }),
      ).rejects.toThrow(`port ${taken} is already in use`);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });
});
