import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { REPO_ROOT } from '@platform/local-infra';
import { isAlive, type PlatformStatus } from '@platform/runner';

import { startDevSession, type DevSession } from './dev-session.js';
import { OpenLoad, type LoadRequest } from './open-load.js';

const SERVICE_ENV = {
  REGISTRY_TTL_MS: '4000',
  REGISTRY_HEARTBEAT_MS: '1000',
  SHUTDOWN_DRAIN_MS: '500',
};

const RATE = 100;
/** id-service is what the change reaches; its ids go through the gateway like any user's. */
const MIX: readonly LoadRequest[] = [
  { what: 'ids', method: 'POST', path: '/api/ids/snowflake?count=3', ok: 200 },
];

/**
 * The change the test makes: a comment at the end of id-service's main.ts, a real source of a real
 * service (the runner starts services from this checkout's dist/). It is taken back once the
 * session has stopped, and id-service is built again so that dist/ matches the source.
 */
const SOURCE = path.join(REPO_ROOT, 'apps/id-service/src/main.ts');
const MARK = `\n// npm run dev's end-to-end test (pid ${process.pid}) added this line; it removes it again\n`;

function takeBackTheChange(): void {
  const text = fs.readFileSync(SOURCE, 'utf8');
  if (text.includes(MARK)) fs.writeFileSync(SOURCE, text.replace(MARK, ''));
}

const pids = (status: PlatformStatus, keep: (service: string) => boolean) =>
  status.instances
    .filter((instance) => keep(instance.service))
    .map((instance) => `${instance.instanceId} pid ${instance.pid}`)
    .sort();

describe('npm run dev', () => {
  let dev: DevSession;
  let changed = false;

  beforeAll(async () => {
    dev = await startDevSession(SERVICE_ENV);
  }, 180_000);

  afterAll(async () => {
    await dev?.interrupt(90_000);
    if (changed) {
      takeBackTheChange();
      spawnSync(
        path.join(REPO_ROOT, 'node_modules/.bin/turbo'),
        ['run', 'build', '--output-logs=errors-only', '--filter=@platform/id-service'],
        { cwd: REPO_ROOT, stdio: 'ignore', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } },
      );
    }
  }, 240_000);

  it(`replaces only id-service's instances, one at a time, when its source changes, failing none of ${RATE} requests a second`, async () => {
    const before = await dev.status();
    const load = new OpenLoad(dev.gatewayUrl, { rate: RATE, mix: MIX });
    try {
      await load.succeeding(RATE * 3, 90_000);
      const since = Date.now();
      changed = true;
      fs.appendFileSync(SOURCE, MARK);
      const done = await dev.waitForLine(/^done in /, 300_000);
      const tookMs = Date.now() - since;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await load.stop();
      const failed = load.failures(since);
      const lines = dev.devLines();
      process.stdout.write(
        `  [measured] save → id-service rebuilt and both instances replaced in ${(tookMs / 1000).toFixed(1)} s ` +
          `(${done}; ${lines.find((line) => line.startsWith('id-service: replaced')) ?? 'no roll line'}); ` +
          `${load.count(since)} requests at ${RATE} req/s meanwhile, ${failed.length} failed; latency from ` +
          `the scheduled send p50 ${Math.round(load.percentile(0.5, since))} ms, ` +
          `p99 ${Math.round(load.percentile(0.99, since))} ms, max ${Math.round(load.percentile(1, since))} ms\n`,
      );
      expect(failed.slice(0, 5)).toEqual([]);
      expect(lines).toContain('changed apps/id-service/src/main.ts: rebuilding id-service');
    } finally {
      await load.stop();
    }

    const after = await dev.status();
    const idService = (status: PlatformStatus) =>
      status.instances.filter((instance) => instance.service === 'id-service');
    const oldIds = idService(before).map((instance) => instance.instanceId);
    const newIds = idService(after).map((instance) => instance.instanceId);
    expect(newIds).toHaveLength(oldIds.length);
    expect(newIds.filter((id) => oldIds.includes(id))).toEqual([]);
    const oldPids = new Set(idService(before).map((instance) => instance.pid));
    expect(idService(after).filter((instance) => oldPids.has(instance.pid))).toEqual([]);
    for (const instance of idService(before)) expect(isAlive(instance.pid)).toBe(false);

    // One at a time: each new instance started (and was routed to) before the next old one stopped.
    const steps = dev
      .devLines()
      .map((line) => /^id-service: (started|stopped) (id-service-\d+)/.exec(line))
      .filter((match) => match !== null)
      .map((match) => `${match[1]} ${match[2]}`);
    expect(steps).toEqual(oldIds.flatMap((oldId, i) => [`started ${newIds[i]}`, `stopped ${oldId}`]));

    const others = (service: string) => service !== 'id-service';
    expect(pids(after, others)).toEqual(pids(before, others));
  }, 420_000);

  it('stops the platform it started on Ctrl-C, leaving no process and no state file behind', async () => {
    const status = await dev.status();
    expect(await dev.interrupt(90_000)).toBe(0);
    for (const instance of status.instances) expect(isAlive(instance.pid)).toBe(false);
    expect(isAlive(status.runner?.pid)).toBe(false);
    expect(fs.existsSync(path.join(dev.stateDir, 'state.json'))).toBe(false);
  }, 120_000);
});
