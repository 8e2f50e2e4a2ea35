import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { eventually } from '@platform/testing';

import { SourceWatcher } from './source-watcher.js';

let root: string;
let changes: string[];
let watcher: SourceWatcher | undefined;

const write = (file: string, text = 'export {};\n') => {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
};

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-watch-'));
  changes = [];
  write('apps/id-service/src/main.ts');
  write('apps/id-service/package.json', '{}');
  write('packages/ids/src/ulid.ts');
});

afterEach(() => {
  watcher?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

function watch(): SourceWatcher {
  watcher = new SourceWatcher({
    repoRoot: root,
    workspaceDirs: ['apps/id-service', 'packages/ids'],
    onChange: (workspace, file) => changes.push(`${workspace} ${file}`),
    onError: (workspace, error) => changes.push(`${workspace} error ${error.message}`),
  });
  return watcher;
}

describe(SourceWatcher.name, () => {
  it("sees a change anywhere under a workspace's src, in folders made after it started too", async () => {
    watch();
    write('apps/id-service/src/main.ts', 'export const x = 1;\n');
    write('packages/ids/src/new/deeper/thing.ts');
    await eventually(() => {
      expect(changes).toContain('apps/id-service apps/id-service/src/main.ts');
      expect(changes).toContain('packages/ids packages/ids/src/new/deeper/thing.ts');
    });
  });

  it('sees the build config at the top of a workspace, and nothing the build writes or tests use', async () => {
    watch();
    write('apps/id-service/dist/main.js');
    write('apps/id-service/src/main.spec.ts');
    write('apps/id-service/test/e2e.spec.ts');
    write('apps/id-service/package.json', '{"name":"x"}');
    await eventually(() =>
      expect(new Set(changes)).toEqual(new Set(['apps/id-service apps/id-service/package.json'])),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(new Set(changes)).toEqual(new Set(['apps/id-service apps/id-service/package.json']));
  });

  it('watches one tree and one top folder per workspace, and nothing after close', async () => {
    expect(watch().size).toBe(4);
    watcher!.close();
    write('apps/id-service/src/main.ts', 'export const y = 2;\n');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(changes).toEqual([]);
  });
});
