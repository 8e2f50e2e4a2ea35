import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { writeFileAtomically } from './atomic-file.js';
import { readSnapshotFile } from './snapshot-file.js';

const expected = { format: 'platform-test-snapshot', v: 1, topic: 'platform.test' };
/** Records are objects with a string key. */
const check = (entry: unknown) =>
  typeof (entry as { key?: unknown } | null)?.key === 'string'
    ? { ok: true as const, record: entry as { key: string } }
    : { ok: false as const, problem: 'has no key' };
let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'snapshot-file-'));
  file = path.join(dir, 'test.json');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe(readSnapshotFile.name, () => {
  it('reads back the records and when they were saved', async () => {
    await writeFileAtomically(
      file,
      JSON.stringify({ ...expected, savedAt: '2026-01-01T00:00:00.000Z', records: [{ key: 'a' }] }),
    );
    expect(await readSnapshotFile(file, expected, check)).toEqual({
      status: 'loaded',
      records: [{ key: 'a' }],
      savedAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('reports a missing file as missing, not as a problem', async () => {
    expect(await readSnapshotFile(file, expected, check)).toEqual({ status: 'missing' });
  });

  it.each([
    ['not JSON', '{"format": "platform-te', /not JSON/],
    ['another kind of file', JSON.stringify({ hello: 'world' }), /not a platform-test-snapshot v1 file/],
    ['another version', JSON.stringify({ ...expected, v: 2, savedAt: 'x', records: [] }), /v1 file/],
    [
      'a snapshot of another topic',
      JSON.stringify({ ...expected, topic: 'other', savedAt: 'x', records: [] }),
      /topic other, not platform.test/,
    ],
    [
      'a snapshot with one bad record, as a whole',
      JSON.stringify({ ...expected, savedAt: 'x', records: [{ key: 'a' }, { value: 1 }] }),
      /records\[1\] has no key/,
    ],
  ])('refuses %s, saying why', async (_what, text, problem) => {
    writeFileSync(file, text);
    const read = await readSnapshotFile(file, expected, check);
    expect(read.status).toBe('unusable');
    expect(read.status === 'unusable' ? read.problem : '').toMatch(problem);
  });
});
