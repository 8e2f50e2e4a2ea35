import fs from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import type { PlatformStatus } from '@platform/runner';

import { startCliPlatform, type CliPlatform } from './cli-platform.js';

/**
 * The platform on the Node that runs this test. `npm test` runs it on the CI's Node with the other
 * end-to-end tests, and again on Node 24 (PLATFORM_E2E_NODE_MAJOR=24; see tools/runner's
 * node-runtime-steps.ts). It boots the platform as `npm start` does, with pending deprecations
 * reported too, uses it through the gateway, and checks that every process ran on that Node and
 * that none printed a warning: no DeprecationWarning, no TimeoutNegativeWarning, nothing but JSON
 * in the services' logs.
 */
const EXPECTED_MAJOR = process.env['PLATFORM_E2E_NODE_MAJOR'];

let platform: CliPlatform;
let status: PlatformStatus;
let stopped = false;

beforeAll(async () => {
  platform = await startCliPlatform(
    { NODE_OPTIONS: '--pending-deprecation', SHUTDOWN_DRAIN_MS: '300' },
    undefined,
    { args: ['--no-prometheus'] },
  );
  status = await platform.status();
});

afterAll(async () => {
  if (!stopped) await platform?.interrupt(30_000);
});

async function api(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${platform.gatewayUrl}${url}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** The executable a running process was started from (Linux), symlinks resolved. */
const executableOf = (pid: number) => fs.realpathSync(`/proc/${pid}/exe`);

describe(`the platform on Node ${process.versions.node}`, () => {
  it('runs the runner and every instance on the Node that runs this test', () => {
    if (EXPECTED_MAJOR !== undefined) expect(process.versions.node.split('.')[0]).toBe(EXPECTED_MAJOR);
    const node = fs.realpathSync(process.execPath);
    expect(status.instances.map((i) => i.service).sort()).toEqual(
      expect.arrayContaining(['flags-service', 'gateway', 'id-service', 'user-service']),
    );
    const executables = [status.runner!.pid, ...status.instances.map((i) => i.pid)].map(executableOf);
    expect(new Set(executables)).toEqual(new Set([node]));
  });

  it('answers through the gateway: ids, a user created and read on its shard, a flag stored and read', async () => {
    const ids = await api('POST', '/api/ids/snowflake?count=3');
    expect(ids.status).toBe(200);
    expect(new Set(ids.json['ids'] as string[]).size).toBe(3);
    const created = await api('POST', '/api/users', { email: 'node@example.com', name: 'Node Runtime' });
    expect(created.status).toBe(201);
    const id = created.json['id'] as string;
    expect(await api('GET', `/api/users/${id}`)).toMatchObject({
      status: 200,
      json: { id, email: 'node@example.com' },
    });
    const auth = { authorization: `Bearer ${status.adminToken}` };
    expect((await api('PUT', '/api/flags/node-runtime', { enabled: true }, auth)).status).toBe(201);
    expect(await api('GET', '/api/flags/node-runtime')).toMatchObject({
      status: 200,
      json: { key: 'node-runtime', enabled: true },
    });
  });

  it('stops on Ctrl-C with no process having printed a warning, and services having written only JSON', async () => {
    stopped = true;
    expect(await platform.interrupt(30_000)).toBe(0);
    const warnings = (text: string) => text.split('\n').filter((line) => /Warning\b/.test(line));
    expect(warnings(platform.output())).toEqual([]);
    const logs = path.join(platform.stateDir, 'logs');
    const instanceLogs = status.instances.map((i) => path.join(logs, `${i.instanceId}.log`));
    for (const file of instanceLogs) {
      const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(0);
      // A Node warning, a deprecation or a stack printed outside the logger is a line that is not JSON.
      const notJson = lines.filter((line) => !line.startsWith('{'));
      expect({ file: path.basename(file), notJson }).toEqual({ file: path.basename(file), notJson: [] });
      expect(lines.filter((line) => /Warning\b/.test(line))).toEqual([]);
    }
  });
});
