import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Kafka } from 'kafkajs';

import { writeFileAtomically } from '@platform/kafka';
import { createLogger } from '@platform/observability';
import { LogCapture } from '@platform/testing';

import { INSTANCE_RECORD_VERSION, type InstanceRecord } from './instance-record.js';
import {
  readRegistrySnapshot,
  REGISTRY_SNAPSHOT_FORMAT,
  RegistrySnapshot,
  type RegistrySnapshotContents,
} from './registry-snapshot.js';
import { RegistryView } from './registry-view.js';

const T0 = 1_700_000_000_000;
const TOPIC = 'platform.registry';

function record(id: string, overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    v: INSTANCE_RECORD_VERSION,
    service: 'users',
    instanceId: id,
    host: '127.0.0.1',
    port: 3000,
    version: '1.0.0',
    track: 'stable',
    zone: 'local',
    metadata: { routes: 'users' },
    ttlMs: 5_000,
    status: 'up',
    heartbeatAt: T0,
    startedAt: T0,
    ...overrides,
  };
}

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'registry-snapshot-'));
  file = path.join(dir, 'registry.json');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A view fed by hand (never started, so it never connects) and its snapshot, on a clock at T0. */
function snapshotOfView() {
  const logs = new LogCapture();
  const logger = createLogger({ service: 'test', instance: 'test', level: 'debug', destination: logs });
  const view = new RegistryView({
    kafka: new Kafka({ clientId: 'unused', brokers: ['127.0.0.1:9'] }),
    topic: TOPIC,
    logger,
    viewerId: 'unit',
    now: () => T0,
  });
  const put = (value: InstanceRecord) =>
    view.apply(Buffer.from(value.instanceId), Buffer.from(JSON.stringify(value)));
  const snapshot = new RegistrySnapshot({ view, file, topic: TOPIC, logger, now: () => T0 });
  return { view, put, snapshot, logs };
}

function contents(records: readonly unknown[], topic = TOPIC): RegistrySnapshotContents {
  return {
    format: REGISTRY_SNAPSHOT_FORMAT,
    v: 1,
    topic,
    savedAt: new Date(T0).toISOString(),
    records: records as InstanceRecord[],
  };
}

describe(RegistrySnapshot.name, () => {
  it('holds the instances heard from the topic, in the topic format, and not those it restored', async () => {
    const { view, put, snapshot } = snapshotOfView();
    put(record('users-a'));
    put(record('orders-a', { service: 'orders', status: 'draining' }));
    view.restore([record('users-old', { heartbeatAt: T0 - 600_000 })]);

    expect(snapshot.contents()).toEqual(
      contents([record('users-a'), record('orders-a', { service: 'orders', status: 'draining' })]),
    );
    await writeFileAtomically(file, JSON.stringify(snapshot.contents()));
    expect(await readRegistrySnapshot(file, TOPIC)).toMatchObject({
      status: 'loaded',
      records: [{ instanceId: 'users-a' }, { instanceId: 'orders-a' }],
    });
  });

  it('restores the instances of the file into the view, marked as restored', async () => {
    writeFileSync(file, JSON.stringify(contents([record('users-a'), record('users-b', { port: 3001 })])));
    const { view, snapshot, logs } = snapshotOfView();

    expect(await snapshot.restore()).toBe(2);
    expect(view.instances('users').map((instance) => [instance.url, instance.restoredAt])).toEqual([
      ['http://127.0.0.1:3000', T0],
      ['http://127.0.0.1:3001', T0],
    ]);
    expect(logs.matching('routing on the instances of the registry snapshot')).toHaveLength(1);
  });

  it('restores nothing from a missing file, and logs nothing', async () => {
    const { view, snapshot, logs } = snapshotOfView();
    expect(await snapshot.restore()).toBe(0);
    expect(view.restored).toBe(0);
    expect(logs.lines.filter((line) => line.level !== 'debug')).toEqual([]);
  });

  it.each([
    ['not JSON', '{"format": "platform-registry', /not JSON/],
    [
      'a flags snapshot',
      JSON.stringify({ ...contents([]), format: 'platform-flags-snapshot' }),
      /not a platform-registry-snapshot v1 file/,
    ],
    ['a snapshot of another topic', JSON.stringify(contents([record('users-a')], 'other')), /topic other/],
    [
      'a snapshot with one bad record',
      JSON.stringify(contents([record('users-a'), { ...record('users-b'), port: -1 }])),
      /records\[1\]/,
    ],
  ])('restores nothing from %s, and says why', async (_what, text, problem) => {
    writeFileSync(file, text);
    const { view, snapshot, logs } = snapshotOfView();
    expect(await snapshot.restore()).toBe(0);
    expect(view.instances('users')).toEqual([]);
    const [warning] = logs.matching('ignored the registry snapshot');
    expect(String(warning?.['problem'])).toMatch(problem);
  });
});
