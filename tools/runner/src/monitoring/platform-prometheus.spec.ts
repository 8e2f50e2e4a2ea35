import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from '@jest/globals';

import { findPrometheus } from './local-prometheus.js';
import { PlatformPrometheus } from './platform-prometheus.js';

describe(PlatformPrometheus.name, () => {
  it('skips Prometheus when it is not installed, says how to install it, and records why', async () => {
    const messages: string[] = [];

    const prometheus = await PlatformPrometheus.start({
      stateDir: os.tmpdir(),
      gatewayUrl: 'http://127.0.0.1:8080',
      adminToken: 'token',
      settings: {},
      takenPorts: new Set(),
      searchPath: '',
      progress: (message) => messages.push(message),
    });

    expect(messages).toEqual([expect.stringContaining('prometheus: skipped (no `prometheus` on PATH)')]);
    expect(messages[0]).toContain('apt-get install prometheus');
    expect(prometheus.record()).toEqual({ url: null, pid: null, skipped: 'no `prometheus` on PATH' });
    await prometheus.stop();
  });
});

describe(findPrometheus.name, () => {
  it('finds the first executable named prometheus on the search path', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-find-prometheus-'));
    try {
      const [empty, notExecutable, installed] = ['empty', 'not-executable', 'installed'].map((name) => {
        const dir = path.join(root, name);
        fs.mkdirSync(dir);
        return dir;
      }) as [string, string, string];
      fs.writeFileSync(path.join(notExecutable, 'prometheus'), '', { mode: 0o644 });
      fs.writeFileSync(path.join(installed, 'prometheus'), '#!/bin/sh\n', { mode: 0o755 });

      expect(findPrometheus([empty, notExecutable, installed].join(path.delimiter))).toBe(
        path.join(installed, 'prometheus'),
      );
      expect(findPrometheus([empty, notExecutable].join(path.delimiter))).toBeUndefined();
      expect(findPrometheus(undefined)).toBeUndefined();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
