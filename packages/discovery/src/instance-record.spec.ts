import { describe, expect, it } from '@jest/globals';

import { INSTANCE_RECORD_VERSION, parseRegistryMessage } from './instance-record.js';

function record(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    v: INSTANCE_RECORD_VERSION,
    service: 'users',
    instanceId: 'users-a1',
    host: '10.0.0.5',
    port: 3001,
    version: '1.2.0',
    zone: 'zone-a',
    metadata: { track: 'stable' },
    ttlMs: 10_000,
    status: 'up',
    heartbeatAt: 1_700_000_010_000,
    startedAt: 1_700_000_000_000,
    ...overrides,
  };
}

const key = (id: string | null) => (id === null ? null : Buffer.from(id));
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe(parseRegistryMessage.name, () => {
  it('reads a valid record keyed by its instance id', () => {
    expect(parseRegistryMessage(key('users-a1'), json(record()))).toEqual({
      kind: 'record',
      record: record(),
    });
  });

  it('reads a null value as the tombstone of the instance in the key', () => {
    expect(parseRegistryMessage(key('users-a1'), null)).toEqual({
      kind: 'tombstone',
      instanceId: 'users-a1',
    });
  });

  it.each([
    ['no key', null],
    ['an empty key', ''],
    ['a key that is no instance id', 'users a1'],
    ['an overlong key', 'x'.repeat(129)],
  ])('calls a message with %s "no_key", tombstone or not', (_, id) => {
    for (const value of [json(record()), null]) {
      expect(parseRegistryMessage(key(id), value)).toMatchObject({ kind: 'invalid', reason: 'no_key' });
    }
  });

  it.each([['not json at all'], ['{"v":1,'], ['']])('calls %j "not_json"', (text) => {
    expect(parseRegistryMessage(key('users-a1'), Buffer.from(text))).toEqual({
      kind: 'invalid',
      reason: 'not_json',
      problem: 'the value is not JSON',
    });
  });

  it.each([
    ['an unknown version', { v: 2 }, 'v'],
    ['an upper-case service name', { service: 'Users' }, 'service'],
    ['a port out of range', { port: 70_000 }, 'port'],
    ['a TTL below a second', { ttlMs: 10 }, 'ttlMs'],
    ['an unknown status', { status: 'sleeping' }, 'status'],
    ['a host with a path', { host: '10.0.0.5/admin' }, 'host'],
    ['a metadata value that is not a string', { metadata: { build: 7 } }, 'metadata.build'],
    ['an extra field', { extra: true }, 'value'],
  ])('calls a record with %s "schema", naming the field', (_, overrides, field) => {
    const parsed = parseRegistryMessage(key('users-a1'), json(record(overrides)));
    expect(parsed).toMatchObject({ kind: 'invalid', reason: 'schema' });
    expect(parsed.kind === 'invalid' && parsed.problem.startsWith(`${field} `)).toBe(true);
  });

  it('calls JSON that is no object "schema"', () => {
    expect(parseRegistryMessage(key('users-a1'), json([1, 2]))).toMatchObject({ reason: 'schema' });
    expect(parseRegistryMessage(key('users-a1'), json(null))).toMatchObject({ reason: 'schema' });
  });

  it('calls a record filed under another instance\'s key "key_mismatch"', () => {
    expect(parseRegistryMessage(key('users-b2'), json(record()))).toEqual({
      kind: 'invalid',
      reason: 'key_mismatch',
      problem: 'key users-b2 ≠ instanceId users-a1',
    });
  });
});
