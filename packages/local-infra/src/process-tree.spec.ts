import { spawn, type ChildProcess } from 'node:child_process';

import { afterEach, describe, expect, it } from '@jest/globals';

import { descendantsOf, parseProcStat, procStat } from './process-tree.js';

describe(parseProcStat.name, () => {
  it('reads pid, state and parent pid after the command name', () => {
    expect(parseProcStat('4242 (postgres) S 4200 4242 4242 0 -1 4194560 105 0')).toEqual({
      pid: 4242,
      ppid: 4200,
      state: 'S',
    });
  });

  it('counts fields from the last ")", so a command name with spaces and parentheses parses', () => {
    expect(parseProcStat('77 (postgres: walwriter (x) ) T 12 77 77')).toEqual({
      pid: 77,
      ppid: 12,
      state: 'T',
    });
  });

  it('refuses a line that is not a stat line', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('no parentheses here')).toBeUndefined();
  });
});

describe(descendantsOf.name, () => {
  it('walks the whole tree, parents before children, and not the root', () => {
    const table = [
      { pid: 1, ppid: 0, state: 'S' },
      { pid: 10, ppid: 1, state: 'S' },
      { pid: 11, ppid: 10, state: 'S' },
      { pid: 12, ppid: 10, state: 'S' },
      { pid: 13, ppid: 11, state: 'S' },
      { pid: 20, ppid: 1, state: 'S' },
    ];
    expect(descendantsOf(10, table)).toEqual([11, 12, 13]);
    expect(descendantsOf(13, table)).toEqual([]);
  });

  describe('on this machine', () => {
    let child: ChildProcess | undefined;
    afterEach(() => {
      if (child?.pid) process.kill(-child.pid, 'SIGKILL');
    });

    it('finds the grandchildren of a real process in /proc', async () => {
      child = spawn('sh', ['-c', 'sleep 30 & sleep 30 & wait'], { detached: true, stdio: 'ignore' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const below = descendantsOf(child.pid!);
      expect(below).toHaveLength(2);
      for (const pid of below) expect(procStat(pid)).toMatchObject({ ppid: child.pid, state: 'S' });
      expect(procStat(2 ** 22 + 1)).toBeUndefined();
    });
  });
});
