import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Kafka } from 'kafkajs';

import { createLogger } from '@platform/observability';
import { LogCapture } from '@platform/testing';

import { FlagsClient } from './flags-client.js';
import {
  asBuffers,
  deletionMessage,
  fixedFlag,
  flagMessage,
  rawMessage,
  rolloutFlag,
  segmentMessage,
  usersSegment,
  type WireMessage,
} from './testing/wire-messages.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'flags-client-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A client fed by hand: never started, so it never connects (the Kafka client stays unused), with its
 * log lines and events captured.
 */
function clientWith(options: { snapshotFile?: string } = {}) {
  const logs = new LogCapture();
  const client = new FlagsClient({
    kafka: new Kafka({ clientId: 'unused', brokers: ['127.0.0.1:9'] }),
    topic: 'platform.flags',
    logger: createLogger({ service: 'test', instance: 'test', level: 'debug', destination: logs }),
    clientId: 'unit',
    now: () => Date.parse('2026-01-01T00:00:00Z'),
    ...options,
  });
  const events: string[] = [];
  client.on('change', (kind, key, version, { deleted, flagsAffected, source }) =>
    events.push(
      `${source} ${kind} ${key} v${version}${deleted ? ' deleted' : ''} → [${flagsAffected.join()}]`,
    ),
  );
  client.on('invalid', (reason) => events.push(`invalid ${reason}`));
  const feed = (...messages: WireMessage[]) => {
    for (const message of messages) client.apply(...asBuffers(message));
  };
  return { client, logs, events, feed };
}

describe(FlagsClient.name, () => {
  it('evaluates a flag it holds in-process, with the core evaluation', () => {
    const { client, feed } = clientWith();
    feed(flagMessage(rolloutFlag('new-checkout', 30), 1));

    expect(client.evaluate('new-checkout', { userId: 'user-1' })).toEqual({
      value: true,
      variant: 'on',
      reason: 'default',
      bucket: 849,
    });
    expect(client.flagVersion('new-checkout')).toBe(1);
  });

  it("answers an unknown flag with the caller's fallback and reason flag_not_found", () => {
    const { client } = clientWith();
    expect(client.evaluate('nope', { userId: 'u-1' }, 'blue')).toEqual({
      value: 'blue',
      variant: undefined,
      reason: 'flag_not_found',
      error: "no flag 'nope'",
    });
    expect(client.evaluate('nope', {}).value).toBeNull();
  });

  it('announces each change once, and nothing for a replay', () => {
    const { client, events, feed } = clientWith();
    feed(
      flagMessage(fixedFlag('theme', 'dark', 'dark'), 1),
      flagMessage(fixedFlag('theme', 'light', 'light'), 3),
      flagMessage(fixedFlag('theme', 'light', 'light'), 3),
      deletionMessage('flag', 'theme', 4),
      deletionMessage('flag', 'theme', 4),
    );

    expect(events).toEqual([
      'topic flag theme v1 → [theme]',
      'topic flag theme v3 → [theme]',
      'topic flag theme v4 deleted → [theme]',
    ]);
    expect(client.evaluate('theme', {}).reason).toBe('flag_not_found');
  });

  it('lets the next real change undo a record with a huge version, with a warning', () => {
    const { client, events, feed, logs } = clientWith();
    feed(
      flagMessage(fixedFlag('theme', 'dark', 'dark'), 1),
      flagMessage(fixedFlag('theme', 'bogus', 'bogus'), 1e12),
      flagMessage(fixedFlag('theme', 'light', 'light'), 2),
    );

    expect(events).toEqual([
      'topic flag theme v1 → [theme]',
      'topic flag theme v1000000000000 → [theme]',
      'topic flag theme v2 → [theme]',
    ]);
    expect(client.evaluate('theme', {}).value).toBe('light');
    expect(client.flagVersion('theme')).toBe(2);
    expect(
      logs.matching('a flags record replaced a higher version', (line) => line.level === 'warn'),
    ).toEqual([expect.objectContaining({ version: 2, replaced: 1e12 })]);
  });

  it('re-evaluates the flags using a segment when the segment changes', () => {
    const { client, events, feed } = clientWith();
    feed(
      segmentMessage(usersSegment('beta', ['u-1']), 1),
      flagMessage(rolloutFlag('checkout', 0.01, { segment: 'beta' }), 1),
      flagMessage(rolloutFlag('search', 0.01, { segment: 'beta' }), 1),
      flagMessage(rolloutFlag('unrelated', 0.01), 1),
    );
    expect(client.evaluate('checkout', { userId: 'u-2' }).value).toBe(false);

    feed(segmentMessage(usersSegment('beta', ['u-2']), 2));

    expect(events.at(-1)).toBe('topic segment beta v2 → [checkout,search]');
    expect(client.evaluate('checkout', { userId: 'u-2' })).toMatchObject({ value: true, ruleId: 'members' });
    expect(client.evaluate('search', { userId: 'u-1' }).value).toBe(false);
  });

  it('applies a definition published with a pattern RE2 cannot run: it never matches, one warning', () => {
    const { client, logs, feed } = clientWith();
    const flag = fixedFlag('staff-only', 'on', true);
    feed(
      flagMessage(
        {
          ...flag,
          rules: [
            {
              conditions: [
                { attribute: 'email', operator: 'matches', values: ['^(?!guest)', '@example\\.com$'] },
              ],
              serve: { variant: 'off' },
            },
          ],
        },
        3,
      ),
    );

    expect(client.evaluate('staff-only', { email: 'guest@corp.org' }).variant).toBe('on');
    expect(client.evaluate('staff-only', { email: 'ada@example.com' }).variant).toBe('off');
    const warnings = logs.matching('patterns RE2 cannot run', (line) => line.level === 'warn');
    expect(warnings).toEqual([
      expect.objectContaining({
        kind: 'flag',
        key: 'staff-only',
        version: 3,
        problems: [{ field: 'rules[0].conditions[0].values[0]', problem: expect.stringContaining('(?!') }],
      }),
    ]);
  });

  it('ignores an invalid message with one warning saying why, and keeps serving what it had', () => {
    const { client, logs, events, feed } = clientWith();
    feed(flagMessage(fixedFlag('theme', 'dark', 'dark'), 1));
    feed(
      rawMessage('flag:theme', 'not json'),
      rawMessage('flag:theme', {
        v: 1,
        kind: 'flag',
        key: 'theme',
        version: 2,
        deleted: false,
        definition: {},
      }),
    );

    expect(events.slice(1)).toEqual(['invalid not_json', 'invalid invalid_definition']);
    const warnings = logs.matching('ignored an invalid flags message', (line) => line.level === 'warn');
    expect(warnings.map((line) => line.reason)).toEqual(['not_json', 'invalid_definition']);
    expect(warnings[1]?.problem).toMatch(/^flag theme v2: key is required/);
    expect(client.evaluate('theme', {})).toMatchObject({ value: 'dark', variant: 'dark' });
    expect(client.flagVersion('theme')).toBe(1);
  });

  it('lists the flags and segments it holds with their versions, deleted ones left out', () => {
    const { client, feed } = clientWith();
    feed(
      flagMessage(fixedFlag('theme', 'dark', 'dark'), 2),
      flagMessage(rolloutFlag('checkout', 30), 5),
      flagMessage(rolloutFlag('gone', 30), 1),
      deletionMessage('flag', 'gone', 2),
      segmentMessage(usersSegment('beta', []), 1),
    );
    expect(client.flags()).toEqual([
      { key: 'checkout', version: 5 },
      { key: 'theme', version: 2 },
    ]);
    expect(client.segments()).toEqual([{ key: 'beta', version: 1 }]);
  });

  it('restores its last known state from the snapshot it wrote, deletions included', async () => {
    const snapshotFile = path.join(dir, 'flags.json');
    const before = clientWith({ snapshotFile });
    before.feed(
      segmentMessage(usersSegment('beta', ['u-7']), 1),
      flagMessage(rolloutFlag('checkout', 30, { segment: 'beta' }), 3),
      flagMessage(fixedFlag('theme', 'dark', 'dark'), 1),
      deletionMessage('flag', 'theme', 2),
    );
    await before.client.stop(); // writes the pending snapshot

    const after = clientWith({ snapshotFile });
    await after.client.restoreSnapshot();

    expect(after.client.flags()).toEqual([{ key: 'checkout', version: 3 }]);
    for (const userId of ['u-7', 'u-1', 'u-2', 'user-1'])
      expect(after.client.evaluate('checkout', { userId })).toEqual(
        before.client.evaluate('checkout', { userId }),
      );
    expect(after.events).toEqual(['snapshot segment beta v1 → []', 'snapshot flag checkout v3 → [checkout]']);
    // The topic read from the start replays older versions: none of them changes anything.
    after.feed(
      flagMessage(fixedFlag('theme', 'dark', 'dark'), 1),
      flagMessage(rolloutFlag('checkout', 50), 2),
    );
    expect(after.events).toHaveLength(2);
    expect(after.client.evaluate('theme', {}).reason).toBe('flag_not_found');
  });

  it('ignores a corrupt snapshot with a warning and works from the topic alone', async () => {
    const snapshotFile = path.join(dir, 'flags.json');
    writeFileSync(snapshotFile, '{"format": "platform-flags-snapshot", "v": 1, "reco');
    const { client, logs, feed } = clientWith({ snapshotFile });

    await client.restoreSnapshot();
    expect(logs.matching('ignored the flags snapshot')).toEqual([
      expect.objectContaining({ level: 'warn', problem: 'it is not JSON', file: snapshotFile }),
    ]);
    expect(client.hasState).toBe(false);

    feed(flagMessage(fixedFlag('theme', 'dark', 'dark'), 1));
    expect(client.evaluate('theme', {}).value).toBe('dark');
  });

  it('resolves whenCaughtUp with false when it has not read the topic in time', async () => {
    const { client } = clientWith();
    expect(client.caughtUp).toBe(false);
    expect(await client.whenCaughtUp(20)).toBe(false);
  });
});
