import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from '@jest/globals';

import { allowSearchByOthers } from './postgres-user-access.js';

const mode = (dir: string) => fs.statSync(dir).mode & 0o7777;

describe(allowSearchByOthers.name, () => {
  it('lets others pass through every closed folder above a path, without letting them list it', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'search-by-others-')); // mode 700, as /root is
    try {
      const open = path.join(root, 'open');
      const closed = path.join(open, 'closed');
      fs.mkdirSync(closed, { recursive: true });
      fs.chmodSync(open, 0o755);
      fs.chmodSync(closed, 0o750);

      expect(allowSearchByOthers(closed)).toEqual([closed, root]);

      expect(mode(root)).toBe(0o701);
      expect(mode(open)).toBe(0o755);
      expect(mode(closed)).toBe(0o751);
      // Done once: a second call finds nothing left to open.
      expect(allowSearchByOthers(closed)).toEqual([]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
