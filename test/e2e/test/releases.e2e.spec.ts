import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import type { PlatformStatus } from '@platform/runner';

import { runCli, startCliPlatform, type CliPlatform } from './cli-platform.js';

const SERVICE_ENV = {
  REGISTRY_TTL_MS: '4000',
  REGISTRY_HEARTBEAT_MS: '1000',
  SHUTDOWN_DRAIN_MS: '500',
};

/** One request of the load, as its client saw it. */
interface Answer {
  readonly at: number;
  readonly status: number;
  readonly version: string;
  readonly what: string;
  readonly problem?: string;
}

/**
 * Constant traffic to user-service through the gateway, as users would send it: create a user,
 * read users created earlier. A lost write would show as a 404 on a read; a dropped connection as
 * status 0; anything but 200/201 is a failure.
 */
class UserLoad {
  readonly answers: Answer[] = [];
  private readonly created: string[] = [];
  private stopped = false;
  private readonly loops: Promise<void>[];
  private sequence = 0;

  constructor(
    private readonly gatewayUrl: string,
    clients: number,
    private readonly pauseMs: number,
  ) {
    this.loops = Array.from({ length: clients }, () => this.loop());
  }

  failures(since = 0): Answer[] {
    return this.answers.filter((a) => a.at >= since && a.status !== 200 && a.status !== 201);
  }

  versionsSince(since: number): Set<string> {
    return new Set(this.answers.filter((a) => a.at >= since).map((a) => a.version));
  }

  /**
   * The versions that answered requests sent from `since` on, once some have (up to 10 s): a machine
   * that stalls for a moment must not pass for a release that routed nobody.
   */
  async answeredSince(since: number): Promise<Set<string>> {
    for (const deadline = Date.now() + 10_000; this.count(since) === 0 && Date.now() < deadline;)
      await new Promise((r) => setTimeout(r, 100));
    return this.versionsSince(since);
  }

  count(since = 0): number {
    return this.answers.filter((a) => a.at >= since).length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const read = this.created.length > 0 && this.sequence % 2 === 1;
      const n = ++this.sequence;
      const what = read ? 'read' : 'create';
      try {
        const response = read
          ? await fetch(`${this.gatewayUrl}/api/users/${this.created[n % this.created.length]}`)
          : await fetch(`${this.gatewayUrl}/api/users`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ email: `release-${n}-${Date.now()}@example.com`, name: `Release ${n}` }),
            });
        const body = await response.text();
        if (response.status === 201) this.created.push((JSON.parse(body) as { id: string }).id);
        this.answers.push({
          at: Date.now(),
          status: response.status,
          version: response.headers.get('x-served-version') ?? 'none',
          what,
          ...(response.status < 300 ? {} : { problem: body.slice(0, 300) }),
        });
      } catch (error) {
        this.answers.push({ at: Date.now(), status: 0, version: 'none', what, problem: String(error) });
      }
      await new Promise((resolve) => setTimeout(resolve, this.pauseMs));
    }
  }
}

describe('releases of user-service under constant load through the gateway', () => {
  let platform: CliPlatform;
  let load: UserLoad;

  const release = async (...args: string[]) => {
    const started = Date.now();
    const result = await runCli(['release', ...args], platform.env);
    return { ...result, ms: Date.now() - started };
  };

  async function userServiceVersions(): Promise<string[]> {
    const status: PlatformStatus = await platform.status();
    return status.instances
      .filter((i) => i.service === 'user-service')
      .map((i) => i.version)
      .sort();
  }

  function report(label: string, since: number, ms: number): void {
    const failed = load.failures(since);
    process.stdout.write(
      `  [measured] ${label}: ${load.count(since)} requests in ${(ms / 1000).toFixed(1)} s, ${failed.length} failed\n`,
    );
  }

  beforeAll(async () => {
    platform = await startCliPlatform(SERVICE_ENV);
    load = new UserLoad(platform.gatewayUrl, 4, 5);
    // The load is running and succeeding before any release starts.
    const until = Date.now() + 30_000;
    while (load.count() < 50 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  }, 180_000);

  afterAll(async () => {
    await load?.stop();
    if (platform?.child.exitCode === null) await platform.interrupt(60_000);
  });

  it('replaces every instance one at a time in a rolling release, failing no request', async () => {
    expect(await userServiceVersions()).toEqual(['0.1.0', '0.1.0']);
    const since = Date.now();
    const result = await release('start', 'user-service', '--strategy', 'rolling', '--version', '0.2.0');
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toContain('0.2.0');
    await new Promise((r) => setTimeout(r, 500));
    report('rolling release 0.1.0 → 0.2.0 (2 instances)', since, result.ms);
    expect(load.failures(since)).toEqual([]);
    expect(await userServiceVersions()).toEqual(['0.2.0', '0.2.0']);
    expect(load.versionsSince(Date.now() - 300)).toEqual(new Set(['0.2.0']));
  });

  it('switches every request at once in a blue-green release, back on abort and forward on promote, failing none', async () => {
    const since = Date.now();
    const switched = await release(
      'start',
      'user-service',
      '--strategy',
      'blue-green',
      '--version',
      '0.3.0',
      '--no-wait',
    );
    expect({ code: switched.code, stderr: switched.stderr }).toEqual({ code: 0, stderr: '' });
    const afterSwitch = Date.now();
    await new Promise((r) => setTimeout(r, 500));
    // Every request sent after the switch went to green.
    expect(await load.answeredSince(afterSwitch + 50)).toEqual(new Set(['0.3.0']));
    expect(await userServiceVersions()).toEqual(['0.2.0', '0.2.0', '0.3.0', '0.3.0']);

    const aborted = await release('abort', 'user-service');
    expect(aborted.code).toBe(0);
    const afterAbort = Date.now();
    await new Promise((r) => setTimeout(r, 500));
    expect(await load.answeredSince(afterAbort + 50)).toEqual(new Set(['0.2.0']));
    expect(await userServiceVersions()).toEqual(['0.2.0', '0.2.0']);

    const again = await release(
      'start',
      'user-service',
      '--strategy',
      'blue-green',
      '--version',
      '0.3.0',
      '--no-wait',
    );
    expect(again.code).toBe(0);
    const promoted = await release('promote', 'user-service');
    expect(promoted.code).toBe(0);
    const afterPromote = Date.now();
    await new Promise((r) => setTimeout(r, 500));
    expect(await load.answeredSince(afterPromote)).toEqual(new Set(['0.3.0']));
    expect(await userServiceVersions()).toEqual(['0.3.0', '0.3.0']);
    report('blue-green 0.2.0 → 0.3.0, abort, again, promote', since, Date.now() - since);
    expect(load.failures(since)).toEqual([]);
    // Four instance starts and four drains: about 50 s on a quiet machine, much more on a busy one.
  }, 400_000);

  it('promotes a healthy canary step by step on the gateway’s analysis, and the command follows it to the end', async () => {
    const since = Date.now();
    const result = await release(
      'start',
      'user-service',
      '--strategy',
      'canary',
      '--version',
      '0.4.0',
      // One canary instance beside two stable ones: at 25% it carries no more than each of them.
      '--steps',
      '25,100',
      '--interval-ms',
      '2000',
      // A canary seconds old on a busy 2-core machine answers slower than instances running for
      // minutes (a CI run saw p95 96 ms against 40 ms and rolled back): this test is about the steps
      // and the command following them; the latency verdict has tests of its own.
      '--latency-tolerance-ms',
      '500',
    );
    expect({ code: result.code, stderr: result.stderr, stdout: result.stdout }).toEqual({
      code: 0,
      stderr: '',
      stdout: expect.stringMatching(/promoted/),
    });
    report('canary 0.3.0 → 0.4.0 (25%, 100%)', since, result.ms);
    expect(load.failures(since)).toEqual([]);
    expect(await userServiceVersions()).toEqual(['0.4.0', '0.4.0']);
    const status = await release('status', 'user-service', '--json');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('"phase": "promoted"');
  });
});
