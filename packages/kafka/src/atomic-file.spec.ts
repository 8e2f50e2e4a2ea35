import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { writeFileAtomically } from './atomic-file.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'atomic-file-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe(writeFileAtomically.name, () => {
  it('creates the directory, writes the file and leaves no temporary file', async () => {
    const file = path.join(dir, 'snapshots', 'gateway-1', 'registry.json');
    await writeFileAtomically(file, '{"a":1}');
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}');
    expect(readdirSync(path.dirname(file))).toEqual(['registry.json']);
  });

  it('replaces the previous contents as a whole', async () => {
    const file = path.join(dir, 'flags.json');
    await writeFileAtomically(file, 'a much longer first version');
    await writeFileAtomically(file, 'short');
    expect(readFileSync(file, 'utf8')).toBe('short');
  });

  it('leaves the previous file whole, and no temporary file, when the write fails', async () => {
    const file = path.join(dir, 'flags.json');
    writeFileSync(file, 'previous');
    // A directory where the file should be: the rename fails after the temporary file was written.
    const blocked = path.join(dir, 'blocked');
    await writeFileAtomically(path.join(blocked, 'x'), 'x');
    await expect(writeFileAtomically(blocked, 'new')).rejects.toThrow();
    expect(readFileSync(file, 'utf8')).toBe('previous');
    expect(readdirSync(dir).sort()).toEqual(['blocked', 'flags.json']);
  });
});
