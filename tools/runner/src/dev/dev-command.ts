import path from 'node:path';

import { REPO_ROOT } from '@platform/local-infra';

import { GATEWAY_SERVICE, SERVICES } from '../catalog.js';
import { ControlClient } from '../control/control-client.js';
import { painter } from '../output/color-support.js';
import { GatewayClient } from '../release/gateway-client.js';
import { ReleaseFleet } from '../release/release-fleet.js';
import { parseStartArgs } from '../start-args.js';
import { affectedServices } from './affected-services.js';
import { ChangeBatcher } from './change-batcher.js';
import { DevLoop } from './dev-loop.js';
import { attachOrStartPlatform, type DevPlatform } from './dev-platform.js';
import { InstanceRoller } from './instance-roller.js';
import { SourceWatcher } from './source-watcher.js';
import { turboBuild } from './workspace-build.js';
import { readWorkspaces } from './workspaces.js';

export interface DevCommandOptions {
  readonly stateDir: string;
  readonly color: boolean;
}

/** One save is often several file events within a few milliseconds; 300 ms of quiet ends a batch. */
const QUIET_MS = 300;
const MAX_WAIT_MS = 3_000;

/**
 * `npm run dev [-- <npm start's options>]`: the platform (the one running, or a new one started
 * with those options), then a watch on the sources of every workspace a service is built from.
 * Each batch of changes is built with turbo, and the services it reaches get their instances
 * replaced one at a time through the runner's control API (see {@link InstanceRoller}). Ctrl-C
 * stops the platform it started, or leaves the one it attached to running. Resolves to the exit
 * code.
 */
export async function runDev(args: readonly string[], options: DevCommandOptions): Promise<number> {
  parseStartArgs(args, process.env); // the same options as npm start, checked before anything starts
  const paint = painter(options.color);
  const say = (line: string) => process.stdout.write(`${paint('bold', '[dev]')} ${line}\n`);

  const workspaces = readWorkspaces(REPO_ROOT);
  const serviceWorkspaces = workspaces.filter(
    (workspace) => affectedServices([workspace.dir], workspaces, SERVICES).length > 0,
  );

  let stopping = 0;
  let firstStopAt = 0;
  const interrupted = new AbortController();
  let stopRequested: (signal: NodeJS.Signals) => void = () => interrupted.abort();
  const onSignal = (signal: NodeJS.Signals) => {
    stopping++;
    if (stopping === 1) firstStopAt = Date.now();
    stopRequested(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

  let platform: DevPlatform;
  try {
    platform = await attachOrStartPlatform({
      stateDir: options.stateDir,
      cliPath: path.join(REPO_ROOT, 'tools/runner/dist/cli.js'),
      startArgs: args,
      env: process.env,
      say,
      signal: interrupted.signal,
    });
  } catch (error) {
    if (stopping > 0) return 130; // Ctrl-C while it started: a runner started here has stopped again
    say(paint('red', (error as Error).message));
    return 1;
  }
  const { state, child } = platform;

  const control = new ControlClient(state.controlUrl, state.adminToken);
  const gateway = new GatewayClient(state.gatewayUrl, state.adminToken, 'npm run dev');
  const roller = new InstanceRoller({
    stateDir: options.stateDir,
    control,
    fleet: new ReleaseFleet({ control, gateway, say }),
    say,
  });
  const loop = new DevLoop({
    workspaces,
    services: SERVICES,
    edgeService: GATEWAY_SERVICE,
    build: turboBuild(REPO_ROOT),
    roll: (service, signal) => roller.roll(service, signal),
    say,
    sayBuildOutput: (output) => process.stdout.write(`${output}\n`),
  });
  const batcher = new ChangeBatcher({
    quietMs: QUIET_MS,
    maxWaitMs: MAX_WAIT_MS,
    onBatch: (batch) => loop.changed(batch),
  });
  const watcher = new SourceWatcher({
    repoRoot: REPO_ROOT,
    workspaceDirs: serviceWorkspaces.map((workspace) => workspace.dir),
    onChange: (workspace, file) => batcher.add(workspace, file),
    onError: (workspace, error) => say(paint('red', `${workspace}: no longer watched: ${error.message}`)),
  });
  say(
    `watching ${serviceWorkspaces.length} workspaces' sources (${serviceWorkspaces.map((w) => w.dir).join(', ')}); ` +
      'a change rebuilds what it reaches and replaces those services one instance at a time. ' +
      (child ? 'Ctrl-C stops the platform.' : 'Ctrl-C stops watching; the platform keeps running.'),
  );

  return new Promise<number>((resolve) => {
    const finish = (code: number) => {
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(signal, onSignal);
      resolve(code);
    };
    const quit = () => {
      watcher.close();
      batcher.cancel();
      return loop.stop();
    };
    stopRequested = (signal) => {
      if (child) {
        // The runner treats a second signal within a second as the same Ctrl-C, a later one as "force".
        if (stopping === 1 || Date.now() - firstStopAt > 1_000) child.kill(signal);
        void quit();
        return;
      }
      if (stopping > 1 && Date.now() - firstStopAt > 1_000) {
        say('leaving now; a replacement under way goes on in the runner');
        finish(130);
        return;
      }
      if (stopping > 1) return;
      say(`${signal}: no longer watching; the platform keeps running (Ctrl-C again to leave at once)`);
      void quit().then(() => finish(0));
    };
    void platform.exited.then((code) => {
      if (stopping === 0)
        say(paint('red', `the platform stopped (runner exit code ${code ?? '-'}); nothing left to watch`));
      void quit();
      finish(child ? (code ?? 1) : stopping > 0 ? 0 : 1);
    });
  });
}
