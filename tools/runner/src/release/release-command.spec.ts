import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, afterEach, describe, expect, it, jest } from '@jest/globals';

import { RELEASE_USAGE } from './release-args.js';
import { runRelease } from './release-command.js';

describe(runRelease.name, () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-command-'));
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);

  afterEach(() => {
    out.mockClear();
    err.mockClear();
  });

  afterAll(() => {
    out.mockRestore();
    err.mockRestore();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it.each([['--help'], ['-h'], ['help']])(
    'prints the usage for %s and exits 0, platform running or not',
    async (flag) => {
      expect(await runRelease([flag], { stateDir, color: false })).toBe(0);
      expect(out).toHaveBeenCalledWith(RELEASE_USAGE);
      expect(err).not.toHaveBeenCalled();
    },
  );

  it('exits 2 with what to fix and the usage for an unknown subcommand', async () => {
    expect(await runRelease(['deploy'], { stateDir, color: false })).toBe(2);
    expect(String(err.mock.calls[0]?.[0])).toMatch(/^unknown release subcommand "deploy"/);
  });

  it('says the platform is not running when there is no state, and exits 1', async () => {
    expect(await runRelease(['status'], { stateDir, color: false })).toBe(1);
    expect(String(err.mock.calls[0]?.[0])).toContain('the platform is not running; start it with npm start');
  });
});
