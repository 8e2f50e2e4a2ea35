import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { eventually } from '@platform/testing';

import { FakeGateway, FakePlatform } from '../../test/fakes.js';
import { ControlClient } from '../control/control-client.js';
import { ControlServer } from '../control/control-server.js';
import { PlatformControl } from '../control/platform-control.js';
import { GatewayClient, type ReleaseStrategy } from './gateway-client.js';
import type { StartReleaseCommand } from './release-args.js';
import { ReleaseError } from './release.errors.js';
import { Releaser } from './releaser.js';

const TOKEN = 'release-token-release-token';

let stateDir: string;
let platform: FakePlatform;
let control: ControlServer;
let gateway: FakeGateway;
let lines: string[];
let releaser: Releaser;

beforeEach(async () => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-release-'));
  platform = new FakePlatform();
  control = new ControlServer(new PlatformControl(platform, () => undefined), TOKEN);
  gateway = new FakeGateway(platform);
  const [controlUrl, gatewayUrl] = await Promise.all([control.listen(), gateway.listen()]);
  lines = [];
  const options = {
    stateDir,
    control: new ControlClient(controlUrl, TOKEN),
    gateway: new GatewayClient(gatewayUrl, TOKEN),
    say: (line: string) => lines.push(line),
    pollMs: 10,
    seenTimeoutMs: 2_000,
  };
  releaser = new Releaser(options);
});

afterEach(async () => {
  await Promise.all([control.close(), gateway.close()]);
  fs.rmSync(stateDir, { recursive: true, force: true });
});

function command(strategy: ReleaseStrategy, more: Partial<StartReleaseCommand> = {}): StartReleaseCommand {
  return {
    kind: 'start',
    service: 'user-service',
    strategy,
    version: '0.2.0',
    canaryInstances: 1,
    automatic: true,
    wait: true,
    ...more,
  };
}

/** `0.2.0 canary`, one per running user-service instance. */
const running = () => platform.running('user-service').map((i) => `${i.version} ${i.track}`);
const lineIndex = (text: string) => lines.findIndex((line) => line.includes(text));

describe(Releaser.name, () => {
  it('rolls one instance at a time: a new one is routed to before an old one is stopped', async () => {
    await expect(releaser.start(command('rolling'))).resolves.toBe(0);
    expect(running()).toEqual(['0.2.0 stable', '0.2.0 stable']);
    expect(platform.currentVersion('user-service')).toBe('0.2.0');
    expect(gateway.releases.get('user-service')).toMatchObject({ strategy: 'rolling', phase: 'promoted' });
    const order = [
      lineIndex('started user-service-3 (0.2.0, stable) in 1.5 s'),
      lineIndex('the gateway routes to user-service-3'),
      lineIndex('stopped user-service-1 (0.1.0, stable) after draining'),
      lineIndex('started user-service-4'),
      lineIndex('stopped user-service-2'),
      lineIndex('released 0.2.0 on 2 instance(s)'),
    ];
    expect(order).not.toContain(-1);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('stops a rolling release whose new instance fails, aborts it and puts the old version back', async () => {
    platform.failStarts.add(2);
    await expect(releaser.start(command('rolling'))).rejects.toThrow(
      new ReleaseError(
        'the rolling release of user-service 0.2.0 failed and was aborted; user-service runs 0.1.0',
      ),
    );
    expect(lines).toContainEqual(expect.stringContaining('user-service-4 exited while starting'));
    expect(lines).toContainEqual(
      expect.stringContaining('the 1 0.1.0 instance(s) not yet replaced keep running'),
    );
    expect(gateway.releases.get('user-service')?.phase).toBe('aborted');
    expect(running()).toEqual(['0.1.0 stable', '0.1.0 stable']);
    expect(platform.currentVersion('user-service')).toBe('0.1.0');
  });

  it('switches blue-green at once; with --no-wait, promote later stops the old colour', async () => {
    await expect(releaser.start(command('blue-green', { wait: false }))).resolves.toBe(0);
    expect(running()).toEqual(['0.1.0 stable', '0.1.0 stable', '0.2.0 green', '0.2.0 green']);
    expect(gateway.releases.get('user-service')).toMatchObject({ phase: 'progressing', weight: 100 });
    await expect(releaser.promote('user-service')).resolves.toBe(0);
    expect(running()).toEqual(['0.2.0 green', '0.2.0 green']);
    expect(platform.currentVersion('user-service')).toBe('0.2.0');
  });

  it('takes blue-green back with abort: traffic first, then the new colour stops', async () => {
    await releaser.start(command('blue-green', { wait: false }));
    await expect(releaser.abort('user-service')).resolves.toBe(0);
    expect(gateway.releases.get('user-service')?.phase).toBe('aborted');
    expect(running()).toEqual(['0.1.0 stable', '0.1.0 stable']);
    expect(platform.currentVersion('user-service')).toBe('0.1.0');
  });

  it('waits on a canary the gateway promotes, starting its stable instances before the last step, then stops the old and the canary', async () => {
    const done = releaser.start(command('canary', { steps: [50, 100], intervalMs: 500 }));
    await eventually(() => expect(gateway.releases.get('user-service')?.phase).toBe('progressing'));
    expect(gateway.releases.get('user-service')).toMatchObject({
      steps: [50, 100],
      weight: 50,
      analysis: { intervalMs: 500, automatic: true },
    });
    // At 50%, the last step before everyone, the new version's stable instances start (one at a time).
    await eventually(() =>
      expect(running()).toEqual([
        '0.1.0 stable',
        '0.1.0 stable',
        '0.2.0 canary',
        '0.2.0 stable',
        '0.2.0 stable',
      ]),
    );
    gateway.end('user-service', 'promoted', 'canary healthy at every step');
    await expect(done).resolves.toBe(0);
    expect(running()).toEqual(['0.2.0 stable', '0.2.0 stable']);
    expect(platform.currentVersion('user-service')).toBe('0.2.0');
    expect(lines).toContainEqual(
      'user-service: promoted · 100% of users on 0.2.0 · canary healthy at every step',
    );
  });

  it('exits 1 when the gateway rolls a canary back, stopping the canary and saying why', async () => {
    const done = releaser.start(command('canary'));
    await eventually(() => expect(gateway.releases.get('user-service')?.phase).toBe('progressing'));
    gateway.end('user-service', 'rolled-back', 'canary error rate 5.0% against 0.1% on stable');
    await expect(done).resolves.toBe(1);
    expect(running()).toEqual(['0.1.0 stable', '0.1.0 stable']);
    expect(lines.at(-1)).toBe(
      'user-service: 0.2.0 did not make it: canary error rate 5.0% against 0.1% on stable; ' +
        'user-service runs 0.1.0 again',
    );
  });

  it('does the instance work once when a promote races the command waiting on the canary', async () => {
    const waiting = releaser.start(command('canary'));
    await eventually(() => expect(gateway.releases.get('user-service')?.phase).toBe('progressing'));
    await expect(releaser.promote('user-service')).resolves.toBe(0);
    await expect(waiting).resolves.toBe(0);
    expect(running()).toEqual(['0.2.0 stable', '0.2.0 stable']);
  });

  it('promotes a canary by hand only once the new version’s stable instances are routed to, one at a time', async () => {
    await releaser.start(command('canary', { wait: false }));
    await expect(releaser.promote('user-service')).resolves.toBe(0);
    const order = [
      lineIndex('started user-service-4 (0.2.0, stable) in 1.5 s (1 of 2, one at a time)'),
      lineIndex('the gateway routes to user-service-4'),
      lineIndex('started user-service-5 (0.2.0, stable) in 1.5 s (2 of 2, one at a time)'),
      lineIndex('the gateway routes to user-service-5'),
      lineIndex('promoted 0.2.0; every user goes to it now'),
      lineIndex('stopped user-service-3 (0.2.0, canary)'),
    ];
    expect(order).not.toContain(-1);
    expect(order.slice(0, 5)).toEqual([...order.slice(0, 5)].sort((a, b) => a - b));
    expect(order[5]).toBeGreaterThan(order[4]!);
    expect(running()).toEqual(['0.2.0 stable', '0.2.0 stable']);
  });

  it('stops the new instances again when the gateway refuses the release', async () => {
    gateway.refuse = 'no live instance of user-service at 0.2.0';
    await expect(releaser.start(command('canary'))).rejects.toThrow('did not start; no user was sent to it');
    expect(lines).toContainEqual(expect.stringContaining('no live instance of user-service at 0.2.0'));
    expect(running()).toEqual(['0.1.0 stable', '0.1.0 stable']);
  });

  it('refuses to start over a release in progress, or to release the version already running', async () => {
    await releaser.start(command('canary', { wait: false }));
    await expect(releaser.start(command('rolling', { version: '0.3.0' }))).rejects.toThrow(
      'a canary release of user-service (0.1.0 → 0.2.0, 10% on it) is still in progress',
    );
    await releaser.abort('user-service');
    await expect(releaser.start(command('rolling', { version: '0.1.0' }))).rejects.toThrow(
      'user-service already runs 0.1.0; there is nothing to release',
    );
  });
});
