import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import type { Evaluation } from '@platform/flags';
import { FlagsClient } from '@platform/flags-sdk';
import { createKafka } from '@platform/kafka';
import { createLogger } from '@platform/observability';
import {
  createTestDatabase,
  requestJson,
  TEST_ADMIN_TOKEN,
  testKafkaBrokers,
  TestServices,
  uniqueTopic,
  type TestDatabase,
} from '@platform/testing';

import { flagsService, type FlagsServiceInstance } from '../flags-service.harness.js';

const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const logger = createLogger({ service: 'sdk-test', instance: 'test', level: 'silent' });
const USERS = Array.from({ length: 2_000 }, (_, i) => `user-${i}`);

const rollout = (percent: number) => ({
  enabled: true,
  variants: { on: true, off: false },
  offVariant: 'off',
  defaultRule: {
    rollout: [
      { variant: 'on', weight: percent },
      { variant: 'off', weight: 100 - percent },
    ],
  },
});

// One core, three places: flags-service's evaluate endpoint, the SDK a service runs, and that SDK
// restarted from its snapshot with Kafka out of reach must give every user the same answer.
describe('flags-service and the SDK agree, also after a restart', () => {
  const services = new TestServices();
  const topic = uniqueTopic('flags-sdk-agreement');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flags-sdk-agreement-'));
  const snapshotFile = path.join(dir, 'flags.json');
  let database: TestDatabase;
  let flags: FlagsServiceInstance;
  let sdk: FlagsClient;

  beforeAll(async () => {
    database = await createTestDatabase('flags_sdk_agreement');
    flags = await services.start(
      flagsService({
        registryTopic: uniqueTopic('flags-sdk'),
        instanceId: 'flags-s',
        databaseUrl: database.url,
        env: { FLAGS_TOPIC: topic },
      }),
    );
    sdk = new FlagsClient({
      kafka: createKafka({ brokers: testKafkaBrokers(), clientId: 'sdk-agreement', logger }),
      topic,
      logger,
      clientId: 'service-a',
      snapshotFile,
      snapshotDelayMs: 50,
    });
    await sdk.start();
  });

  afterAll(async () => {
    await sdk?.stop();
    await services.stopAll();
    await database?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives each of 2,000 users the same variant from the service, the SDK and the restarted SDK', async () => {
    const put = await requestJson<{ version: number }>(`${flags.url}/flags/agreement`, {
      method: 'PUT',
      json: rollout(30),
      headers: admin,
    });
    expect(put.status).toBe(201);
    const deadline = Date.now() + 5_000;
    while (sdk.flagVersion('agreement') !== put.body.version && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sdk.flagVersion('agreement')).toBe(put.body.version);

    const fromService: string[] = [];
    for (const userId of USERS) {
      const { body } = await requestJson<Evaluation>(`${flags.url}/flags/agreement/evaluate`, {
        method: 'POST',
        json: { context: { userId } },
      });
      fromService.push(body.variant);
    }
    const fromSdk = USERS.map((userId) => (sdk.evaluate('agreement', { userId }) as Evaluation).variant);
    await sdk.stop(); // writes the snapshot

    const restarted = new FlagsClient({
      kafka: createKafka({
        brokers: ['127.0.0.1:9'],
        clientId: 'sdk-agreement-restarted',
        logger,
        connectionTimeoutMs: 200,
        retry: { retries: 0 },
      }),
      topic,
      logger,
      clientId: 'service-a',
      snapshotFile,
    });
    await restarted.start();
    try {
      const afterRestart = USERS.map(
        (userId) => (restarted.evaluate('agreement', { userId }) as Evaluation).variant,
      );
      expect(restarted.caughtUp).toBe(false); // it has not read Kafka: the answers are the snapshot's
      expect(fromSdk).toEqual(fromService);
      expect(afterRestart).toEqual(fromService);
      const on = fromService.filter((variant) => variant === 'on').length / USERS.length;
      expect(Math.abs(on - 0.3)).toBeLessThan(0.035);
    } finally {
      await restarted.stop();
    }
  }, 60_000);
});
