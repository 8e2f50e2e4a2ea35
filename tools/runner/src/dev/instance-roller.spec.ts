import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { FakeGateway, FakePlatform } from '../../test/fakes.js';
import { ControlClient } from '../control/control-client.js';
import { ControlServer } from '../control/control-server.js';
import { PlatformControl } from '../control/platform-control.js';
import { GatewayClient } from '../release/gateway-client.js';
import { ReleaseFleet } from '../release/release-fleet.js';
import { acquireReleaseLock } from '../release/release-lock.js';
import { InstanceRoller } from './instance-roller.js';

const TOKEN = 'dev-token-dev-token-dev-token';

let stateDir: string;
let platform: FakePlatform;
let control: ControlServer;
let gateway: FakeGateway;
let lines: string[];
/** Called with each line the roll says, after it is recorded. */
let onLine: (line: string) => void;
let roller: InstanceRoller;
/** Every start and stop the control API saw, in order. */
let steps: string[];

beforeEach(async () => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-dev-'));
  platform = new FakePlatform({ gateway: 1, 'user-service': 2, 'flags-service': 1 });
  steps = [];
  control = new ControlServer(
    new PlatformControl(platform, (line) => {
      if (/^(starting|stopping)/.test(line)) steps.push(line);
    }),
    TOKEN,
  );
  gateway = new FakeGateway(platform);
  const [controlUrl, gatewayUrl] = await Promise.all([control.listen(), gateway.listen()]);
  const client = new ControlClient(controlUrl, TOKEN);
  lines = [];
  onLine = () => undefined;
  const say = (line: string) => {
    lines.push(line);
    onLine(line);
  };
  roller = new InstanceRoller({
    stateDir,
    control: client,
    fleet: new ReleaseFleet({
      control: client,
      gateway: new GatewayClient(gatewayUrl, TOKEN),
      say,
      seenTimeoutMs: 2_000,
      seenPollMs: 10,
    }),
    say,
  });
});

afterEach(async () => {
  await Promise.all([control.close(), gateway.close()]);
  fs.rmSync(stateDir, { recursive: true, force: true });
});

const running = (service: string) => platform.running(service).map((instance) => instance.instanceId);

describe(InstanceRoller.name, () => {
  it('replaces each instance by a new one, starting the new one before stopping the old', async () => {
    const result = await roller.roll('user-service');
    expect(steps).toEqual([
      'starting 1 more user-service instance(s) at 0.1.0 (stable) on request',
      'stopping user-service-1 (0.1.0, stable) gracefully on request',
      'starting 1 more user-service instance(s) at 0.1.0 (stable) on request',
      'stopping user-service-2 (0.1.0, stable) gracefully on request',
    ]);
    expect(running('user-service')).toEqual(['user-service-3', 'user-service-4']);
    expect(result).toMatchObject({
      service: 'user-service',
      replaced: [{ instanceId: 'user-service-1' }, { instanceId: 'user-service-2' }],
      started: [{ instanceId: 'user-service-3' }, { instanceId: 'user-service-4' }],
      kept: [],
    });
    expect(result.stoppedEarly).toBeUndefined();
    expect(lines.at(-1)).toMatch(
      /^user-service: replaced user-service-1, user-service-2 with user-service-3, user-service-4 in \d+\.\d s$/,
    );
  });

  it('waits until the gateway routes to the new instance before the old one goes', async () => {
    await roller.roll('flags-service');
    const routed = lines.findIndex((line) =>
      line.startsWith('flags-service: the gateway routes to flags-service-2'),
    );
    const stopped = lines.findIndex((line) => line.startsWith('flags-service: stopped flags-service-1'));
    expect(routed).toBeGreaterThan(-1);
    expect(stopped).toBeGreaterThan(routed);
    expect(running('flags-service')).toEqual(['flags-service-2']);
  });

  it('keeps the version and track of each instance', async () => {
    await platform.instances.find((i) => i.instanceId === 'user-service-2')!.stop();
    await platform.startInstances('user-service', { version: '0.2.0', track: 'canary' }, 1);
    platform.starts.length = 0;
    await roller.roll('user-service');
    expect(platform.starts.map((start) => start.release)).toEqual([
      { version: '0.1.0', track: 'stable' },
      { version: '0.2.0', track: 'canary' },
    ]);
  });

  it('leaves the instances not yet replaced running when a new one does not start', async () => {
    platform.failStarts.add(2);
    const result = await roller.roll('user-service');
    expect(result.stoppedEarly).toMatch(/could not start user-service 0.1.0/);
    expect(result.kept.map((i) => i.instanceId)).toEqual(['user-service-2']);
    expect(running('user-service')).toEqual(['user-service-2', 'user-service-3']);
  });

  it('stops between two replacements when asked, never in the middle of one', async () => {
    const stop = new AbortController();
    onLine = (line) => {
      if (line.includes('user-service: started user-service-3')) stop.abort();
    };
    const result = await roller.roll('user-service', stop.signal);
    expect(result.stoppedEarly).toBe('asked to stop');
    expect(running('user-service')).toEqual(['user-service-2', 'user-service-3']);
  });

  it('waits for a release command working on the same service', async () => {
    const unlock = await acquireReleaseLock(stateDir, 'user-service', () => undefined);
    const rolling = roller.roll('user-service');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(steps).toEqual([]);
    expect(lines).toEqual([
      `user-service: waiting for a release command (pid ${process.pid}) to finish with its instances`,
    ]);
    unlock();
    await rolling;
    expect(running('user-service')).toEqual(['user-service-3', 'user-service-4']);
  });

  it('does nothing for a service with no running instance', async () => {
    const result = await roller.roll('id-service');
    expect(result).toMatchObject({ replaced: [], started: [], kept: [] });
    expect(steps).toEqual([]);
  });
});
