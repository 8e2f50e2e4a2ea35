import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { createKafka, ensureTopic } from '@platform/kafka';
import { createLogger } from '@platform/observability';
import { eventually, publishRaw, testKafkaBrokers, uniqueTopic } from '@platform/testing';

import { INSTANCE_RECORD_VERSION, type InstanceRecord } from '../../src/instance-record.js';
import { RegistryView, type RemovalReason } from '../../src/registry-view.js';

const logger = createLogger({ service: 'discovery-test', instance: 'test', level: 'silent' });
const HOUR = 3_600_000;

function record(instanceId: string, heartbeatAt: number): string {
  const value: InstanceRecord = {
    v: INSTANCE_RECORD_VERSION,
    service: 'users',
    instanceId,
    host: '127.0.0.1',
    port: 3000,
    version: '1.0.0',
    zone: 'local',
    metadata: {},
    ttlMs: 1_000,
    status: 'up',
    heartbeatAt,
    startedAt: heartbeatAt,
  };
  return JSON.stringify(value);
}

/**
 * Issue 19, race 6: a registry record trusts its producer's clock. One stamped an hour ahead (a
 * clock set wrong, or a hostile writer on the topic) was live for an hour after its last message:
 * the gateway kept routing to an instance that had died.
 */
describe('a registry record stamped by a clock that runs ahead', () => {
  const topic = uniqueTopic('registry-clock');
  const kafka = createKafka({ brokers: testKafkaBrokers(), clientId: 'producer-clock-test', logger });
  let view: RegistryView;
  const removed: { id: string; reason: RemovalReason; at: number }[] = [];

  beforeAll(async () => {
    await ensureTopic(kafka, { topic, compacted: true });
    view = new RegistryView({ kafka, topic, logger, viewerId: 'test', sweepIntervalMs: 100 });
    view.on('removed', (instance, reason) => removed.push({ id: instance.id, reason, at: Date.now() }));
    await view.start();
  });

  afterAll(async () => {
    await view?.stop();
  });

  it('expires one TTL after its last record arrived, as an instance with a true clock does', async () => {
    const sentAt = Date.now();
    await publishRaw(topic, [
      { key: 'users-ahead', value: record('users-ahead', sentAt + HOUR) },
      { key: 'users-true', value: record('users-true', sentAt) },
    ]);
    await eventually(() =>
      expect(
        view
          .instances('users')
          .map((i) => i.id)
          .sort(),
      ).toEqual(['users-ahead', 'users-true']),
    );
    const expired = () =>
      removed.map(({ id, reason }) => `${id} ${reason}`).sort((a, b) => a.localeCompare(b));
    await eventually(() => expect(expired()).toEqual(['users-ahead expired', 'users-true expired']), {
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    expect(view.instances('users')).toEqual([]);
    // Both within a sweep or two of each other: the hour in the stamp bought nothing.
    const [ahead, honest] = ['users-ahead', 'users-true'].map((id) => removed.find((r) => r.id === id)!.at);
    expect(Math.abs(ahead! - honest!)).toBeLessThan(1_000);
  }, 30_000);
});
