import { describe, expect, it } from '@jest/globals';
import { Kafka } from 'kafkajs';

import { createLogger } from '@platform/observability';

import { INSTANCE_RECORD_VERSION, type InstanceRecord } from './instance-record.js';
import { RegistryView } from './registry-view.js';
import type { ServiceInstance } from './service-instance.js';

const T0 = 1_700_000_000_000;

function record(id: string, overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    v: INSTANCE_RECORD_VERSION,
    service: 'users',
    instanceId: id,
    host: '127.0.0.1',
    port: 3000,
    version: '1.0.0',
    zone: 'local',
    metadata: {},
    ttlMs: 5_000,
    status: 'up',
    heartbeatAt: T0,
    startedAt: T0,
    ...overrides,
  };
}

/**
 * A view fed by hand with a clock the test moves; it is never started, so it never connects.
 * `advance` also reads the topic every 250 ms of the way, as a running consumer's fetches would.
 */
function viewAt(start = T0) {
  let now = start;
  const view = new RegistryView({
    // A real client that stays unused: apply() and expiry need no broker.
    kafka: new Kafka({ clientId: 'unused', brokers: ['127.0.0.1:9'] }),
    topic: 'registry',
    logger: createLogger({ service: 'test', instance: 'test', level: 'silent' }),
    viewerId: 'unit',
    now: () => now,
  });
  const events: string[] = [];
  view.on('added', (instance) => events.push(`added ${instance.id}`));
  view.on('updated', (instance) => events.push(`updated ${instance.id}`));
  view.on('removed', (instance, reason) => events.push(`removed ${instance.id} (${reason})`));
  view.on('invalid', (reason) => events.push(`invalid (${reason})`));
  const put = (value: InstanceRecord) =>
    view.apply(Buffer.from(value.instanceId), Buffer.from(JSON.stringify(value)));
  const ids = (service = 'users') => view.instances(service).map((instance: ServiceInstance) => instance.id);
  const advance = (ms: number) => {
    const until = now + ms;
    while (now < until) {
      now = Math.min(until, now + 250);
      view.liveness.contact();
    }
  };
  return { view, events, put, ids, advance };
}

describe(RegistryView.name, () => {
  it('lists the live instances of a service in a stable order, with a URL to reach each', () => {
    const { view, put, ids } = viewAt();
    put(record('users-b', { port: 3002 }));
    put(record('users-a', { port: 3001 }));
    put(record('orders-a', { service: 'orders' }));

    expect(ids()).toEqual(['users-a', 'users-b']);
    expect(ids('orders')).toEqual(['orders-a']);
    expect(ids('billing')).toEqual([]);
    expect(view.instances('users')[0]).toMatchObject({ url: 'http://127.0.0.1:3001', service: 'users' });
  });

  it('emits added for a new instance and updated for its next heartbeat', () => {
    const { events, put, advance } = viewAt();
    put(record('users-a'));
    advance(1_000);
    put(record('users-a', { heartbeatAt: T0 + 1_000 }));
    expect(events).toEqual(['added users-a', 'updated users-a']);
  });

  it('drops an instance once its heartbeats are older than its TTL, and keeps one that beats', () => {
    const { put, ids, advance, view } = viewAt();
    put(record('users-a', { ttlMs: 5_000 }));
    put(record('users-b', { ttlMs: 5_000 }));

    advance(4_000);
    put(record('users-b', { ttlMs: 5_000, heartbeatAt: T0 + 4_000 }));
    expect(ids()).toEqual(['users-a', 'users-b']);

    advance(1_001);
    expect(ids()).toEqual(['users-b']);
    expect([...view.snapshot().values()].flat().map((instance) => instance.id)).toEqual(['users-b']);
  });

  it('removes an instance on its tombstone, and ignores the tombstone of one it never saw', () => {
    const { view, events, put, ids } = viewAt();
    put(record('users-a'));
    view.apply(Buffer.from('users-a'), null);
    view.apply(Buffer.from('users-zz'), null);

    expect(ids()).toEqual([]);
    expect(events).toEqual(['added users-a', 'removed users-a (left)']);
  });

  it('keeps an instance when garbage arrives under its key, and reports the garbage', () => {
    const { view, events, put, ids } = viewAt();
    put(record('users-a'));
    const key = Buffer.from('users-a');
    view.apply(key, Buffer.from('{{{ not json'));
    view.apply(key, Buffer.from(JSON.stringify({ v: 1, service: 'users' })));
    view.apply(key, Buffer.from(JSON.stringify(record('users-b'))));
    const noKey = null;
    view.apply(noKey, Buffer.from(JSON.stringify(record('users-a'))));

    expect(ids()).toEqual(['users-a']);
    expect(events).toEqual([
      'added users-a',
      'invalid (not_json)',
      'invalid (schema)',
      'invalid (key_mismatch)',
      'invalid (no_key)',
    ]);
  });

  it('does not add an old record read while catching up, and removes the instance it replaces', () => {
    const { events, put, ids, advance } = viewAt();
    put(record('users-a', { ttlMs: 2_000 }));
    advance(10_000);
    put(record('users-stale', { heartbeatAt: T0 - 60_000, ttlMs: 2_000 }));
    // A heartbeat that was already too old when it arrived.
    put(record('users-a', { heartbeatAt: T0 + 5_000, ttlMs: 2_000 }));

    expect(ids()).toEqual([]);
    expect(events).toEqual(['added users-a', 'removed users-a (expired)']);
  });

  it('offers draining instances no new work but still shows them in the snapshot', () => {
    const { view, put, ids } = viewAt();
    put(record('users-a'));
    put(record('users-b', { status: 'draining' }));

    expect(ids()).toEqual(['users-a']);
    expect(
      view
        .snapshot()
        .get('users')
        ?.map((instance) => [instance.id, instance.status]),
    ).toEqual([
      ['users-a', 'up'],
      ['users-b', 'draining'],
    ]);
  });

  it('resolves whenCaughtUp with false when it never catches up in time', async () => {
    const { view } = viewAt();
    expect(view.caughtUp).toBe(false);
    expect(await view.whenCaughtUp(20)).toBe(false);
  });

  it('restores instances from the snapshot as added, marked so, without replacing ones it knows or itself', () => {
    const { view, events, put, ids } = viewAt();
    put(record('users-a', { port: 3001 }));
    const added = view.restore([
      record('users-a', { port: 9999, heartbeatAt: T0 - 600_000 }),
      record('users-b', { heartbeatAt: T0 - 600_000 }),
      // The viewer itself, from its previous life.
      record('unit', { service: 'gateway', heartbeatAt: T0 - 600_000 }),
    ]);

    expect(added).toBe(1);
    expect(view.restored).toBe(1);
    expect(ids()).toEqual(['users-a', 'users-b']);
    expect(ids('gateway')).toEqual([]);
    expect(view.instances('users').map((i) => [i.id, i.port, i.restoredAt])).toEqual([
      ['users-a', 3001, undefined],
      ['users-b', 3000, T0],
    ]);
    expect(events).toEqual(['added users-a', 'added users-b']);
  });

  it('replaces a restored instance with the record the topic holds for it', () => {
    const { view, put, advance } = viewAt();
    view.restore([record('users-a', { heartbeatAt: T0 - 600_000 })]);
    advance(1_000);
    put(record('users-a', { heartbeatAt: T0 + 1_000, version: '2.0.0' }));
    expect(view.instances('users').map((i) => [i.version, i.restoredAt])).toEqual([['2.0.0', undefined]]);
  });
});
