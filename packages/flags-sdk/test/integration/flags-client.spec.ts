import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';

import { Registry } from 'prom-client';

import { CONSUMER_LAG_METRIC, createKafka } from '@platform/kafka';
import { createLogger } from '@platform/observability';
import { LogCapture, publishRaw } from '@platform/testing';

import { FlagsClient } from '../../src/flags-client.js';
import { FLAGS_METRIC, registerFlagsMetrics } from '../../src/flags-metrics.js';
import {
  deletionMessage,
  fixedFlag,
  flagMessage,
  rawMessage,
  rolloutFlag,
  segmentMessage,
  usersSegment,
} from '../../src/testing/wire-messages.js';
import { closedPort, FlagsTestKafka, percentile } from './kafka-fixtures.js';

const logger = createLogger({ service: 'flags-sdk-test', instance: 'test', level: 'silent' });
const USERS = Array.from({ length: 200 }, (_, i) => `user-${i}`);
let kafka: FlagsTestKafka;
let dir: string;

beforeAll(() => {
  kafka = new FlagsTestKafka(logger);
  dir = mkdtempSync(path.join(os.tmpdir(), 'flags-sdk-it-'));
});

afterEach(async () => {
  await kafka.stopClients();
});

afterAll(async () => {
  await kafka.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What a client serves each user for `flag`, to compare two clients (or two moments). */
const servedTo = (client: FlagsClient, flag: string) =>
  USERS.map((userId) => client.evaluate(flag, { userId }).variant);

describe(`${FlagsClient.name} over Kafka`, () => {
  it('propagates each change to two services well within a second', async () => {
    const topic = await kafka.topic();
    await kafka.publish(topic, flagMessage(rolloutFlag('new-checkout', 1), 1));
    const clients = [
      await kafka.startClient(topic, { clientId: 'service-a' }),
      await kafka.startClient(topic, { clientId: 'service-b' }),
    ];
    for (const client of clients) expect(await client.whenCaughtUp(20_000)).toBe(true);
    expect(clients.map((client) => client.flagVersion('new-checkout'))).toEqual([1, 1]);

    /** Resolves with the time the client announced `version` of the flag. */
    const announced = (client: FlagsClient, version: number) =>
      new Promise<number>((resolve) => {
        const listener = (_kind: string, key: string, changed: number) => {
          if (key !== 'new-checkout' || changed !== version) return;
          client.off('change', listener);
          resolve(performance.now());
        };
        client.on('change', listener);
      });

    const latenciesMs: number[] = [];
    for (let version = 2; version <= 51; version++) {
      const seen = Promise.all(clients.map((client) => announced(client, version)));
      const sentAt = performance.now();
      await kafka.publish(topic, flagMessage(rolloutFlag('new-checkout', version), version));
      latenciesMs.push(Math.max(...(await seen)) - sentAt);
    }

    const p50 = percentile(latenciesMs, 0.5);
    const p99 = percentile(latenciesMs, 0.99);
    process.stderr.write(
      `  [measured] flags propagation: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms ` +
        `(send → change event on both of 2 clients, ${latenciesMs.length} changes)\n`,
    );
    expect(p99).toBeLessThan(1_000);
    expect(servedTo(clients[0]!, 'new-checkout')).toEqual(servedTo(clients[1]!, 'new-checkout'));
    expect(clients.map((client) => client.flags())).toEqual([
      [{ key: 'new-checkout', version: 51 }],
      [{ key: 'new-checkout', version: 51 }],
    ]);
  });

  it('reports evaluations per flag, flags held, changes applied, propagation time and lag as metrics', async () => {
    const topic = await kafka.topic();
    await kafka.publish(topic, flagMessage(rolloutFlag('new-checkout', 30), 1));
    const client = kafka.client(topic, { clientId: 'metrics' });
    const metrics = new Registry();
    registerFlagsMetrics(client, metrics);
    await client.start();
    expect(await client.whenCaughtUp(20_000)).toBe(true);
    const changed = new Promise((resolve) => client.once('change', resolve));
    await kafka.publish(topic, flagMessage(rolloutFlag('new-checkout', 50), 2));
    await changed;
    for (const userId of USERS.slice(0, 7)) client.evaluate('new-checkout', { userId });
    client.evaluate('no-such-flag', {});

    const text = await metrics.metrics();
    expect(text).toContain(`${FLAGS_METRIC.evaluations}{flag="new-checkout"} 7`);
    expect(text).toContain(`${FLAGS_METRIC.evaluations}{flag="flag_not_found"} 1`);
    expect(text).toContain(`${FLAGS_METRIC.held}{kind="flag"} 1`);
    expect(text).toContain(`${FLAGS_METRIC.changes}{kind="flag",source="topic"} 2`);
    // Only the change made after the client had caught up: reading old records is not propagation.
    expect(text).toContain(`${FLAGS_METRIC.propagation}_count 1`);
    expect(text).toContain(`${CONSUMER_LAG_METRIC}{stream="flags"} 0`);
  });

  it('catches up on everything on the topic when started late: updates, segments and deletions', async () => {
    const topic = await kafka.topic();
    await kafka.publish(
      topic,
      segmentMessage(usersSegment('beta', ['user-3']), 1),
      flagMessage(rolloutFlag('new-checkout', 10, { segment: 'beta' }), 1),
      flagMessage(rolloutFlag('new-checkout', 30, { segment: 'beta' }), 2),
      flagMessage(fixedFlag('theme', 'dark', 'dark'), 1),
      deletionMessage('flag', 'theme', 2),
      // A replay of the deletion (a publisher's re-send) keeps it deleted. (A late copy of an older
      // version cannot reach the topic: flags-service's publishers fence each other off, see
      // flags-service's untrusted-versions spec.)
      deletionMessage('flag', 'theme', 2),
    );

    const client = await kafka.startClient(topic, { clientId: 'late' });
    expect(await client.whenCaughtUp(20_000)).toBe(true);

    expect(client.flags()).toEqual([{ key: 'new-checkout', version: 2 }]);
    expect(client.segments()).toEqual([{ key: 'beta', version: 1 }]);
    expect(client.evaluate('new-checkout', { userId: 'user-3' })).toMatchObject({
      value: true,
      ruleId: 'members',
    });
    expect(client.evaluate('theme', {}).reason).toBe('flag_not_found');
  });

  it('ignores invalid messages on the topic and keeps applying the valid ones after them', async () => {
    const topic = await kafka.topic();
    const client = await kafka.startClient(topic, { clientId: 'guarded' });
    expect(await client.whenCaughtUp(20_000)).toBe(true);
    const invalid: string[] = [];
    client.on('invalid', (reason) => invalid.push(reason));
    const applied = new Promise<void>((resolve) => client.once('change', () => resolve()));

    await publishRaw(topic, [
      rawMessage('flag:theme', 'not json'),
      rawMessage('flag:theme', { v: 2, kind: 'flag', key: 'theme' }),
      rawMessage('flag:other', JSON.parse(flagMessage(fixedFlag('theme', 'dark', 'dark'), 1).value!)),
      flagMessage(fixedFlag('theme', 'dark', 'dark'), 1),
    ]);

    await applied;
    expect(invalid).toEqual(['not_json', 'unsupported_version', 'key_mismatch']);
    expect(client.evaluate('theme', {}).value).toBe('dark');
  });

  it('answers from its snapshot straight after a restart, before reading the topic', async () => {
    const topic = await kafka.topic();
    const snapshotFile = path.join(dir, 'restart', 'flags.json');
    await kafka.publish(
      topic,
      segmentMessage(usersSegment('beta', ['user-3']), 1),
      flagMessage(rolloutFlag('new-checkout', 30, { segment: 'beta' }), 1),
      flagMessage(fixedFlag('theme', 'dark', 'dark'), 1),
    );
    const before = await kafka.startClient(topic, { clientId: 'service-a', snapshotFile });
    expect(await before.whenCaughtUp(20_000)).toBe(true);
    const servedBefore = servedTo(before, 'new-checkout');
    await before.stop(); // the service goes down; its last state is on disk
    // While it is down, flags-service publishes a change.
    await kafka.publish(topic, flagMessage(fixedFlag('theme', 'light', 'light'), 2));

    const restarted = await kafka.startClient(topic, { clientId: 'service-a', snapshotFile });

    // start() has resolved: the snapshot is loaded, the topic not read yet.
    expect(restarted.caughtUp).toBe(false);
    expect(restarted.evaluate('theme', {}).value).toBe('dark');
    expect(servedTo(restarted, 'new-checkout')).toEqual(servedBefore);
    // Then the stream catches up and brings the change made meanwhile.
    expect(await restarted.whenCaughtUp(20_000)).toBe(true);
    expect(restarted.evaluate('theme', {}).value).toBe('light');
    expect(restarted.flagVersion('theme')).toBe(2);
  });

  it('keeps serving its snapshot while Kafka does not answer at all, warning once', async () => {
    const topic = await kafka.topic();
    const snapshotFile = path.join(dir, 'outage', 'flags.json');
    await kafka.publish(topic, flagMessage(rolloutFlag('new-checkout', 30), 4));
    const before = await kafka.startClient(topic, { clientId: 'service-a', snapshotFile });
    expect(await before.whenCaughtUp(20_000)).toBe(true);
    const servedBefore = servedTo(before, 'new-checkout');
    await before.stop();

    const logs = new LogCapture();
    const capturing = createLogger({ service: 'test', instance: 'test', level: 'info', destination: logs });
    const unreachable = createKafka({
      brokers: [`127.0.0.1:${await closedPort()}`],
      clientId: 'flags-sdk-test-outage',
      logger: capturing,
      connectionTimeoutMs: 500,
      retry: { retries: 0 },
    });
    const client = new FlagsClient({
      kafka: unreachable,
      topic,
      logger: capturing,
      clientId: 'b',
      snapshotFile,
    });
    await client.start();
    try {
      expect(servedTo(client, 'new-checkout')).toEqual(servedBefore);
      expect(client.flagVersion('new-checkout')).toBe(4);
      expect(await client.whenCaughtUp(2_000)).toBe(false); // several attempts meanwhile
      expect(servedTo(client, 'new-checkout')).toEqual(servedBefore);
      expect(logs.matching('cannot read the flags topic yet', (line) => line.level === 'warn')).toHaveLength(
        1,
      );
      expect(logs.matching('loaded the last known flags from the snapshot')).toHaveLength(1);
    } finally {
      await client.stop();
    }
  });
});
