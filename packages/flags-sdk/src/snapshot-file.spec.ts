import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import type { FlagRecord } from './flag-record.js';
import { readSnapshot, SNAPSHOT_FORMAT, writeSnapshot, type SnapshotContents } from './snapshot-file.js';
import { rolloutFlag } from './testing/wire-messages.js';

const TOPIC = 'platform.flags';
const checkout: FlagRecord = {
  v: 1,
  kind: 'flag',
  key: 'checkout',
  version: 4,
  deleted: false,
  definition: rolloutFlag('checkout', 30),
};
const deletedTheme: FlagRecord = {
  v: 1,
  kind: 'flag',
  key: 'theme',
  version: 2,
  deleted: true,
  definition: null,
};

function contents(records: readonly unknown[], overrides: Partial<SnapshotContents> = {}): SnapshotContents {
  return {
    format: SNAPSHOT_FORMAT,
    v: 1,
    topic: TOPIC,
    savedAt: '2026-01-01T00:00:00.000Z',
    records: records as FlagRecord[],
    ...overrides,
  };
}

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'flags-snapshot-'));
  file = path.join(dir, 'state', 'flags.json');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('snapshot file', () => {
  it('reads back what was written, deletions included, and leaves no temporary file', async () => {
    await writeSnapshot(file, contents([checkout, deletedTheme]));

    expect(await readSnapshot(file, TOPIC)).toEqual({
      status: 'loaded',
      records: [checkout, deletedTheme],
      savedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(readdirSync(path.dirname(file))).toEqual(['flags.json']);
  });

  it('replaces the previous snapshot as a whole', async () => {
    await writeSnapshot(file, contents([checkout, deletedTheme]));
    await writeSnapshot(file, contents([deletedTheme]));
    expect(await readSnapshot(file, TOPIC)).toMatchObject({ status: 'loaded', records: [deletedTheme] });
  });

  it('reports a missing file as missing, not as a problem', async () => {
    expect(await readSnapshot(file, TOPIC)).toEqual({ status: 'missing' });
  });

  it.each([
    ['not JSON', '{"format": "platform-flags-sn', /not JSON/],
    ['another kind of file', JSON.stringify({ hello: 'world' }), /not a platform-flags-snapshot v1 file/],
    ['a snapshot of another topic', JSON.stringify(contents([checkout], { topic: 'other' })), /topic other/],
    [
      'a snapshot with one bad record',
      JSON.stringify(contents([deletedTheme, { ...checkout, version: -1 }])),
      /records\[1\] schema: version/,
    ],
  ])('refuses %s as a whole, saying why', async (_what, text, problem) => {
    writeFileSync(path.join(dir, 'flags.json'), text);
    const read = await readSnapshot(path.join(dir, 'flags.json'), TOPIC);
    expect(read.status).toBe('unusable');
    expect(read.status === 'unusable' ? read.problem : '').toMatch(problem);
  });
});
