import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { acquireRunnerLock, isAlive, RunnerAlreadyRunningError, statePaths } from './state.js';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-state-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A pid that certainly belongs to no process: one that just exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

describe('the runner lock', () => {
  it('lets one runner in and tells the next which pid holds it', () => {
    const release = acquireRunnerLock(dir);
    fs.writeFileSync(statePaths(dir).lock, String(process.ppid)); // as if another live runner held it
    expect(() => acquireRunnerLock(dir)).toThrow(RunnerAlreadyRunningError);
    expect(() => acquireRunnerLock(dir)).toThrow(`already running (pid ${process.ppid}`);
    fs.writeFileSync(statePaths(dir).lock, String(process.pid));
    release();
    expect(fs.existsSync(statePaths(dir).lock)).toBe(false);
  });

  it('takes over a lock left behind by a runner that died', () => {
    fs.writeFileSync(statePaths(dir).lock, String(deadPid()));
    const release = acquireRunnerLock(dir);
    expect(fs.readFileSync(statePaths(dir).lock, 'utf8')).toBe(String(process.pid));
    release();
  });
});

describe(isAlive.name, () => {
  it('tells running processes from gone ones', () => {
    expect(isAlive(process.pid)).toBe(true);
    expect(isAlive(deadPid())).toBe(false);
    expect(isAlive(null)).toBe(false);
  });
});
