import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from '@jest/globals';

import { REPO_ROOT } from '@platform/local-infra';

import {
  NODE_RUNTIME_E2E,
  nodeRuntimeSteps,
  nodeVersionCheck,
  SECOND_NODE_MAJOR,
} from './node-runtime-steps.js';

/** Runs `command` in a shell with this test's node first on PATH. */
function shell(command: string) {
  const PATH = `${path.dirname(process.execPath)}${path.delimiter}${process.env['PATH'] ?? ''}`;
  return spawnSync('sh', ['-c', command], { env: { ...process.env, PATH }, encoding: 'utf8' });
}

const currentMajor = Number(process.versions.node.split('.')[0]);

describe(nodeVersionCheck.name, () => {
  it('passes on the Node asked for, saying which one runs', () => {
    const run = shell(nodeVersionCheck(currentMajor));
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`node ${process.versions.node} at `);
  });

  it('fails on any other Node', () => {
    const run = shell(nodeVersionCheck(currentMajor + 1));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`expected Node ${currentMajor + 1}`);
  });
});

describe(nodeRuntimeSteps.name, () => {
  const steps = nodeRuntimeSteps();

  it('runs every step on the second Node, fetched by npx from the registry and checked first', () => {
    expect(SECOND_NODE_MAJOR).toBe(24);
    for (const step of steps) {
      expect(step.command).toBe('npx');
      expect(step.args.slice(0, 4)).toEqual(['-y', '-p', 'node@24', '-c']);
      expect(step.args[4]!.startsWith(`${nodeVersionCheck(24)} && `)).toBe(true);
    }
  });

  it("runs every workspace's unit tests, leaving the integration tests to the CI's Node", () => {
    expect(steps[0]!.title).toBe('Node 24: unit tests of every workspace');
    expect(steps[0]!.args[4]).toContain('turbo run test ');
    expect(steps[0]!.args[4]).toContain('--testPathIgnorePatterns=/test/integration/');
  });

  it('boots the platform end to end with the test that checks it runs on that major', () => {
    expect(steps[1]!.title).toBe('Node 24: the platform end to end');
    expect(steps[1]!.args[4]).toContain(`--workspace=@platform/e2e -- ${NODE_RUNTIME_E2E}`);
    expect(steps[1]!.env).toEqual({ PLATFORM_E2E_NODE_MAJOR: '24' });
    expect(fs.existsSync(path.join(REPO_ROOT, 'test/e2e', NODE_RUNTIME_E2E))).toBe(true);
  });
});
