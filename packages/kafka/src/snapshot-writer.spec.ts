import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { createLogger } from '@platform/observability';
import { eventually, LogCapture } from '@platform/testing';

import { SnapshotWriter } from './snapshot-writer.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'snapshot-writer-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writerFor(file: string, delayMs = 10_000) {
  const logs = new LogCapture();
  let writes = 0;
  const writer = new SnapshotWriter({
    file,
    what: 'flags',
    delayMs,
    logger: createLogger({ service: 'test', instance: 'test', level: 'debug', destination: logs }),
    contents: () => {
      writes += 1;
      return { savedAt: `write ${writes}` };
    },
  });
  return { writer, logs, writes: () => writes };
}

describe(SnapshotWriter.name, () => {
  it('writes a burst of changes once, after the delay', async () => {
    const file = path.join(dir, 'flags.json');
    const { writer, writes } = writerFor(file, 30);
    writer.changed();
    writer.changed();
    writer.changed();
    expect(existsSync(file)).toBe(false);

    await eventually(() => expect(existsSync(file)).toBe(true), { timeoutMs: 2_000, intervalMs: 10 });
    await writer.flush();

    expect(writes()).toBe(1);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ savedAt: 'write 1' });
  });

  it('writes nothing on flush when nothing changed since the last write', async () => {
    const file = path.join(dir, 'flags.json');
    const { writer, writes } = writerFor(file);
    writer.changed();
    await writer.flush();
    await writer.flush();
    expect(writes()).toBe(1);
  });

  it('logs a failed write and writes again on the next flush', async () => {
    // A file where the directory should be: the write fails until it is removed.
    const blocker = path.join(dir, 'blocked');
    writeFileSync(blocker, '');
    const file = path.join(blocker, 'flags.json');
    const { writer, logs } = writerFor(file);
    writer.changed();
    await writer.flush();
    expect(logs.matching('could not write the flags snapshot')).toHaveLength(1);

    rmSync(blocker);
    await writer.flush();
    expect(existsSync(file)).toBe(true);
  });
});
