import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';

import { isAlive, readState, type PlatformState } from '../state.js';

/** A running platform whose control API is up, as `npm run dev` found or started it. */
export interface DevPlatform {
  readonly state: PlatformState & { readonly controlUrl: string };
  /** The runner process this dev session started; undefined when it attached to one already running. */
  readonly child: ChildProcess | undefined;
  /** Resolves with the runner's exit code once it has exited (whoever started it). */
  readonly exited: Promise<number | null>;
}

export interface DevPlatformOptions {
  readonly stateDir: string;
  /** tools/runner/dist/cli.js: started as `cli.js start <startArgs>` when no platform runs. */
  readonly cliPath: string;
  readonly startArgs: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly say: (line: string) => void;
  /** Aborted (Ctrl-C) while the platform starts: the runner started here is interrupted too. */
  readonly signal?: AbortSignal;
  readonly pollMs?: number;
}

/**
 * The platform of `stateDir`: the one running there (its runner's pid in the state file is alive),
 * or a new one, started as its own process exactly as `npm start` starts it, with the same
 * options, its output going to this terminal. Resolves once its control API is up, which the
 * runner writes to the state file after "platform up".
 */
export async function attachOrStartPlatform(options: DevPlatformOptions): Promise<DevPlatform> {
  const { stateDir, say } = options;
  const running = readState(stateDir);
  if (running && isAlive(running.runnerPid)) {
    const unused =
      options.startArgs.length > 0 ? `; the start options (${options.startArgs.join(' ')}) are not used` : '';
    say(
      `a platform runs already (runner pid ${running.runnerPid}, ${running.gatewayUrl}): using it${unused}`,
    );
    if (!running.controlUrl) say('waiting for it to finish starting (its control API is not up yet)');
    const state = await waitForControl(
      stateDir,
      running.runnerPid,
      undefined,
      options.pollMs,
      options.signal,
    );
    return { state, child: undefined, exited: whenDead(state.runnerPid, options.pollMs ?? 1_000) };
  }
  say(
    `no platform runs in ${stateDir}: starting one (cli.js start ${options.startArgs.join(' ')})`.trimEnd(),
  );
  const child = spawn(process.execPath, [options.cliPath, 'start', ...options.startArgs], {
    env: options.env,
    // Its output is this terminal's; Ctrl-C reaches it through the terminal, or from us (see dev-command).
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  options.signal?.addEventListener('abort', () => child.kill('SIGINT'), { once: true });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) =>
      resolve(code ?? (signal ? 128 + os.constants.signals[signal] : null)),
    );
    child.once('error', () => resolve(1));
  });
  const state = await waitForControl(stateDir, child.pid ?? -1, exited, options.pollMs);
  return { state, child, exited };
}

/** Polls the state file until the runner `runnerPid` has written its control API's address. */
async function waitForControl(
  stateDir: string,
  runnerPid: number,
  exited: Promise<number | null> | undefined,
  pollMs = 200,
  signal?: AbortSignal,
): Promise<PlatformState & { controlUrl: string }> {
  let exitCode: number | null | undefined;
  void exited?.then((code) => (exitCode = code === null ? -1 : code));
  for (;;) {
    const state = readState(stateDir);
    if (state?.runnerPid === runnerPid && state.controlUrl) return { ...state, controlUrl: state.controlUrl };
    // Waiting on another's runner: Ctrl-C just stops waiting. On ours: it ends when the runner exits.
    if (signal?.aborted) throw new Error('interrupted while the platform was starting');
    if (exitCode !== undefined || (exited === undefined && !isAlive(runnerPid))) {
      throw new Error(
        exitCode !== undefined
          ? `the platform did not start (the runner exited with code ${exitCode}); its output is above`
          : `the platform (runner pid ${runnerPid}) stopped while starting`,
      );
    }
    await sleep(pollMs);
  }
}

/** A process that is not our child cannot be waited for: look now and then. */
async function whenDead(pid: number, pollMs: number): Promise<number | null> {
  while (isAlive(pid)) await sleep(pollMs);
  return null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
