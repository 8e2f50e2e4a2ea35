import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { freePort } from '@platform/local-infra';
import type { PlatformStatus } from '@platform/runner';

import { cliOf, runCli, runnerEnv, spawnRunner } from './cli-platform.js';

export interface DevSession {
  readonly child: ChildProcess;
  readonly stateDir: string;
  readonly gatewayUrl: string;
  readonly env: NodeJS.ProcessEnv;
  /** Everything `dev` and the platform it started printed so far. */
  output(): string;
  /** The `[dev]` lines only, without the prefix. */
  devLines(): string[];
  /** Resolves with the first `[dev]` line matching, once it is printed. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  status(): Promise<PlatformStatus>;
  /** Ctrl-C, as a user would press it; resolves with the exit code. */
  interrupt(timeoutMs: number): Promise<number | null>;
}

/**
 * Runs `npm run dev`'s command line (cli.js dev) in a temp state dir on free ports, where no platform
 * runs, so it starts one; resolves once it says it is watching.
 */
export async function startDevSession(serviceEnv: Record<string, string>): Promise<DevSession> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-dev-e2e-'));
  fs.chmodSync(stateDir, 0o755);
  const gatewayPort = await freePort();
  const env = runnerEnv(serviceEnv, stateDir);
  const runner = spawnRunner(
    cliOf(),
    [
      'dev',
      '--quiet',
      '--no-prometheus',
      `--gateway-port=${gatewayPort}`,
      `--postgres-port=${await freePort()}`,
      `--kafka-port=${await freePort()}`,
      `--kafka-controller-port=${await freePort()}`,
    ],
    env,
  );
  const { child } = runner;
  const output = runner.output;
  const devLines = () =>
    output()
      .split('\n')
      .filter((line) => line.startsWith('[dev] '))
      .map((line) => line.slice('[dev] '.length));

  const waitForLine = (pattern: RegExp, timeoutMs: number) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        clearInterval(check);
        reject(new Error(`dev did not print ${pattern} in time:\n${output()}`));
      }, timeoutMs);
      const check = setInterval(() => {
        const found = devLines().find((line) => pattern.test(line));
        if (found !== undefined) {
          clearInterval(check);
          clearTimeout(timer);
          resolve(found);
        } else if (child.exitCode !== null) {
          clearInterval(check);
          clearTimeout(timer);
          reject(new Error(`dev exited with ${child.exitCode} before printing ${pattern}:\n${output()}`));
        }
      }, 100);
    });

  await waitForLine(/^watching /, 170_000);
  return {
    child,
    stateDir,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    env,
    output,
    devLines,
    waitForLine,
    status: () =>
      runCli(['status', '--json'], env).then((result) => JSON.parse(result.stdout) as PlatformStatus),
    interrupt: runner.interrupt,
  };
}
