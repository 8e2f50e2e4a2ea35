import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { readWorkspaces } from './workspaces.js';

let root: string;

const write = (file: string, json: unknown) => {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), typeof json === 'string' ? json : JSON.stringify(json));
};

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-workspaces-'));
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe(readWorkspaces.name, () => {
  it("reads each workspace's folder, name and dependencies from the root's workspaces list", () => {
    write('package.json', { workspaces: ['packages/*', 'apps/*', 'tools/runner'] });
    write('packages/ids/package.json', { name: '@platform/ids' });
    write('apps/id-service/package.json', {
      name: '@platform/id-service',
      dependencies: { '@platform/ids': '*', zod: '4.6.7' },
      devDependencies: { '@platform/testing': '*' },
    });
    write('tools/runner/package.json', { name: '@platform/runner', dependencies: {} });
    expect(readWorkspaces(root)).toEqual([
      { dir: 'packages/ids', name: '@platform/ids', dependencies: [] },
      { dir: 'apps/id-service', name: '@platform/id-service', dependencies: ['@platform/ids', 'zod'] },
      { dir: 'tools/runner', name: '@platform/runner', dependencies: [] },
    ]);
  });

  it('skips folders without a readable, named package.json', () => {
    write('package.json', { workspaces: ['apps/*', 'missing/*'] });
    write('apps/half-made/src/main.ts', '');
    write('apps/broken/package.json', '{ not json');
    write('apps/nameless/package.json', { version: '1.0.0' });
    fs.writeFileSync(path.join(root, 'apps/notes.md'), '');
    expect(readWorkspaces(root)).toEqual([]);
  });
});
