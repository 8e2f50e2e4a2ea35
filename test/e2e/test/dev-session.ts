import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { freePort, REPO_ROOT } from '@platform/local-infra';
import type { PlatformStatus } from '@platform/runner';

import { runCli } from './cli-platform.js';

const CLI = path.join(REPO_ROOT, 'tools/runner/dist/cli.js');

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
  const env: NodeJS.ProcessEnv = { ...process.env, ...serviceEnv, PLATFORM_STATE_DIR: stateDir };
  delete env['POSTGRES_URL'];
  delete env['KAFKA_BROKERS'];
  delete env['ADMIN_TOKEN'];
  const child = spawn(
    process.execPath,
    [
      CLI,
      'dev',
      '--quiet',
      '--no-prometheus',
      `--gateway-port=${gatewayPort}`,
      `--postgres-port=${await freePort()}`,
      `--kafka-port=${await freePort()}`,
      `--kafka-controller-port=${await freePort()}`,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const devLines = () =>
    output
      .split('\n')
      .filter((line) => line.startsWith('[dev] '))
      .map((line) => line.slice('[dev] '.length));

  const waitForLine = (pattern: RegExp, timeoutMs: number) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        clearInterval(check);
        reject(new Error(`dev did not print ${pattern} in time:\n${output}`));
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
          reject(new Error(`dev exited with ${child.exitCode} before printing ${pattern}:\n${output}`));
        }
      }, 100);
    });

  await waitForLine(/^watching /, 170_000);
  return {
    child,
    stateDir,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    env,
    output: () => output,
    devLines,
    waitForLine,
    status: () =>
      runCli(['status', '--json'], env).then((result) => JSON.parse(result.stdout) as PlatformStatus),
    interrupt: async (timeoutMs) => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
