import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';

import { createLogger } from '@platform/observability';

import type { FlagsClient } from '../../src/flags-client.js';
import { fixedFlag, flagMessage } from '../../src/testing/wire-messages.js';
import { FlagsTestKafka } from './kafka-fixtures.js';

const logger = createLogger({ service: 'flags-sdk-test', instance: 'test', level: 'silent' });
let kafka: FlagsTestKafka;
let dir: string;

beforeAll(() => {
  kafka = new FlagsTestKafka(logger);
  dir = mkdtempSync(path.join(os.tmpdir(), 'flags-sdk-catch-up-'));
});

afterEach(async () => {
  await kafka.stopClients();
});

afterAll(async () => {
  await kafka.close();
  rmSync(dir, { recursive: true, force: true });
});

const theme = (value: string, version: number) => flagMessage(fixedFlag('theme', value, value), version);

/** A client restarted from `snapshotFile`, and what flag `theme` served after each change, by source. */
async function restarted(topic: string, snapshotFile: string) {
  const client = kafka.client(topic, { clientId: 'service-a', snapshotFile });
  const served: string[] = [];
  client.on('change', (_kind, key, _version, { source }) => {
    if (key === 'theme') served.push(`${source} ${JSON.stringify(client.evaluate('theme', {}).value)}`);
  });
  await client.start();
  expect(await client.whenCaughtUp(20_000)).toBe(true);
  return { client, served };
}

/** Reads `topic` to its end with a snapshot file, then stops (which writes the snapshot). */
async function snapshotOf(topic: string, snapshotFile: string): Promise<FlagsClient> {
  const before = await kafka.startClient(topic, { clientId: 'service-a', snapshotFile, snapshotDelayMs: 10 });
  expect(await before.whenCaughtUp(20_000)).toBe(true);
  await before.stop();
  return before;
}

describe('a client restarted from its snapshot, catching up on the topic', () => {
  it("never serves the topic's older records of a key meanwhile", async () => {
    const topic = await kafka.topic();
    await kafka.publish(topic, theme('dark', 1), theme('dim', 2), theme('light', 3));
    const snapshotFile = path.join(dir, 'newer', 'flags.json');
    await snapshotOf(topic, snapshotFile);

    const { client, served } = await restarted(topic, snapshotFile);

    expect(served).toEqual(['snapshot "light"']);
    expect(client.flagVersion('theme')).toBe(3);
  }, 60_000);

  it("ends on the topic's last record when the snapshot held a bogus huge version", async () => {
    const topic = await kafka.topic();
    await kafka.publish(topic, theme('dark', 1), theme('bogus', 1e12));
    const snapshotFile = path.join(dir, 'bogus', 'flags.json');
    await snapshotOf(topic, snapshotFile);
    await kafka.publish(topic, theme('light', 2));

    const { client, served } = await restarted(topic, snapshotFile);

    // Held back while catching up (older than the snapshot's), applied once caught up.
    expect(served).toEqual(['snapshot "bogus"', 'topic "light"']);
    expect(client.flagVersion('theme')).toBe(2);
  }, 60_000);
});
