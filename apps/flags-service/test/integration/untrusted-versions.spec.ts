import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kafka } from 'kafkajs';

import { FlagsClient } from '@platform/flags-sdk';
import { createKafka, ensureTopic } from '@platform/kafka';
import { createLogger } from '@platform/observability';
import {
  createTestDatabase,
  eventually,
  publishRaw,
  requestJson,
  TEST_ADMIN_TOKEN,
  testKafkaBrokers,
  TestServices,
  uniqueTopic,
  type TestDatabase,
} from '@platform/testing';

import { flagMessage } from '../../src/flags/flag-publisher.js';
import { outboxProducer, sendInTransaction } from '../../src/flags/outbox-producer.js';
import { flagsService, type FlagsServiceInstance } from '../flags-service.harness.js';

// Issue 19, race 6: flag versions come from flags-service's database (1, 2, 3…), but anything with
// Kafka access can write the topic. SDKs take the topic's order as the truth, which is safe because
// the publisher writes in transactions that fence a paused publisher off.

const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const logger = createLogger({ service: 'untrusted-versions-test', instance: 'test', level: 'silent' });

/** A flag serving the string `value` to everyone. */
const fixed = (value: string) => ({
  enabled: true,
  variants: { [value]: value, off: 'off' },
  offVariant: 'off',
  defaultRule: { variant: value },
});

/** The wire message of flag `key` at `version`, as flags-service publishes it. */
const message = (key: string, version: number, value: string) =>
  flagMessage({
    seq: 0n,
    kind: 'flag',
    key,
    version: BigInt(version),
    deleted: false,
    definition: { key, ...fixed(value) },
  });

/** A started SDK, and every value of flag `key` it served after each change. */
async function startSdk(kafka: Kafka, topic: string, clientId: string, key: string) {
  const sdk = new FlagsClient({ kafka, topic, logger, clientId });
  const served: unknown[] = [];
  sdk.on('change', (_kind, changed) => {
    if (changed === key) served.push(sdk.evaluate(key, {}).value);
  });
  await sdk.start();
  return { sdk, served };
}

describe('flag records from writers other than flags-service', () => {
  const services = new TestServices();
  const sdks: FlagsClient[] = [];
  let kafka: Kafka;
  let database: TestDatabase;

  beforeAll(async () => {
    kafka = createKafka({ brokers: testKafkaBrokers(), clientId: 'untrusted-versions', logger });
    database = await createTestDatabase('flags_untrusted_versions');
  });

  afterAll(async () => {
    for (const sdk of sdks) await sdk.stop();
    await services.stopAll();
    await database?.drop();
  });

  const started = async (topic: string, clientId: string, key: string) => {
    const started = await startSdk(kafka, topic, clientId, key);
    sdks.push(started.sdk);
    return started;
  };

  it('a record with version 10^12 lasts only until the next real change, in every SDK', async () => {
    const topic = uniqueTopic('flags-bogus-version');
    const flags: FlagsServiceInstance = await services.start(
      flagsService({
        registryTopic: uniqueTopic('flags-bogus-registry'),
        instanceId: 'flags-bogus',
        databaseUrl: database.url,
        env: { FLAGS_TOPIC: topic },
      }),
    );
    const put = (value: string) =>
      requestJson<{ version: number }>(`${flags.url}/flags/theme`, {
        method: 'PUT',
        json: fixed(value),
        headers: admin,
      });
    await ensureTopic(kafka, { topic, compacted: true });
    const a = await started(topic, 'service-a', 'theme');
    const b = await started(topic, 'service-b', 'theme');

    expect((await put('dark')).body.version).toBe(1);
    await eventually(() => expect([a.sdk.flagVersion('theme'), b.sdk.flagVersion('theme')]).toEqual([1, 1]));
    await publishRaw(topic, [message('theme', 1e12, 'bogus')]);
    await eventually(() => expect(b.sdk.evaluate('theme', {}).value).toBe('bogus'));
    expect((await put('light')).body.version).toBe(2);

    for (const { sdk } of [a, b])
      await eventually(() =>
        expect([sdk.evaluate('theme', {}).value, sdk.flagVersion('theme')]).toEqual(['light', 2]),
      );
    // An SDK starting now reads the whole topic (the bogus record included) and ends on the real change.
    const c = await started(topic, 'service-c', 'theme');
    expect(await c.sdk.whenCaughtUp(15_000)).toBe(true);
    expect([c.sdk.evaluate('theme', {}).value, c.sdk.flagVersion('theme')]).toEqual(['light', 2]);
  }, 60_000);

  it('a publisher paused mid-batch and replaced is fenced off: no SDK ever sees its old batch', async () => {
    const topic = uniqueTopic('flags-zombie');
    await ensureTopic(kafka, { topic, compacted: true });
    const following = await started(topic, 'service-following', 'theme');
    expect(await following.sdk.whenCaughtUp(15_000)).toBe(true);

    // The first publisher sends its batch and is paused before committing it.
    const zombie = outboxProducer(kafka, topic);
    const successor = outboxProducer(kafka, topic);
    try {
      await zombie.connect();
      const stale = await zombie.transaction();
      await stale.send({ topic, acks: -1, messages: [message('theme', 1, 'zombie')] });
      // Another instance takes over the outbox: the same rows, then a newer change.
      await successor.connect();
      await sendInTransaction(successor, topic, [message('theme', 1, 'dark'), message('theme', 2, 'light')]);
      await eventually(() => expect(following.sdk.evaluate('theme', {}).value).toBe('light'));

      // The paused one wakes and commits: fenced.
      await expect(stale.commit()).rejects.toThrow(/epoch|fenced/i);
      await sendInTransaction(successor, topic, [message('marker', 1, 'after')]);
      await eventually(() => expect(following.sdk.flagVersion('marker')).toBe(1));
      expect(following.served).toEqual(['dark', 'light']);

      const fresh = await started(topic, 'service-fresh', 'theme');
      expect(await fresh.sdk.whenCaughtUp(15_000)).toBe(true);
      expect(fresh.served).toEqual(['dark', 'light']);
    } finally {
      await zombie.disconnect().catch(() => undefined);
      await successor.disconnect();
    }
  }, 90_000);
});
