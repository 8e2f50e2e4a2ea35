import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { freePort, REPO_ROOT } from '@platform/local-infra';
import type { PlatformStatus } from '@platform/runner';

export const cliOf = (repoRoot = REPO_ROOT) => path.join(repoRoot, 'tools/runner/dist/cli.js');

export interface CliPlatform {
  readonly child: ChildProcess;
  readonly stateDir: string;
  readonly gatewayUrl: string;
  readonly ports: { gateway: number; postgres: number; kafka: number; kafkaController: number };
  readonly env: NodeJS.ProcessEnv;
  /** Everything the runner printed so far. */
  output(): string;
  status(): Promise<PlatformStatus>;
  /** Ctrl-C, as a user would press it; resolves with the runner's exit code. */
  interrupt(timeoutMs: number): Promise<number | null>;
}

export interface CliPlatformOptions {
  /** The checkout whose runner and services run (a copy of this one, say); this one by default. */
  readonly repoRoot?: string;
  /** More of `npm start`'s options, e.g. `--prometheus-port=…`. */
  readonly args?: readonly string[];
}

/**
 * Runs `npm start`'s command line (tools/runner/dist/cli.js start) on free ports, in a temp state dir;
 * or, given `again` (a platform stopped before), in its state dir on its ports: a restart.
 */
export async function startCliPlatform(
  serviceEnv: Record<string, string>,
  again?: Pick<CliPlatform, 'stateDir' | 'ports'>,
  options: CliPlatformOptions = {},
): Promise<CliPlatform> {
  const cli = cliOf(options.repoRoot);
  const stateDir = again?.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'platform-e2e-'));
  fs.chmodSync(stateDir, 0o755);
  const ports = again?.ports ?? {
    gateway: await freePort(),
    postgres: await freePort(),
    kafka: await freePort(),
    kafkaController: await freePort(),
  };
  const env = runnerEnv(serviceEnv, stateDir);
  const runner = spawnRunner(
    cli,
    [
      'start',
      '--quiet',
      // The runner's readable lines and status table, which these tests read, rather than the JSON a pipe gets.
      '--pretty-logs',
      `--gateway-port=${ports.gateway}`,
      `--postgres-port=${ports.postgres}`,
      `--kafka-port=${ports.kafka}`,
      `--kafka-controller-port=${ports.kafkaController}`,
      ...(options.args ?? []),
    ],
    env,
  );
  const { child, exited } = runner;

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the platform did not come up in time:\n${runner.output()}`)),
      170_000,
    );
    const check = setInterval(() => {
      if (runner.output().includes('platform up in')) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 200);
    void exited.then((code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`the runner exited with ${code} while starting:\n${runner.output()}`));
    });
  });

  return {
    child,
    stateDir,
    gatewayUrl: `http://127.0.0.1:${ports.gateway}`,
    ports,
    env,
    output: runner.output,
    status: () =>
      runCli(['status', '--json'], env, options.repoRoot).then(
        (result) => JSON.parse(result.stdout) as PlatformStatus,
      ),
    interrupt: runner.interrupt,
  };
}

/**
 * The environment of a runner a test starts: the test's own, the services' settings, its own state
 * directory, and none of the variables that would point it at another platform's servers or token.
 */
export function runnerEnv(serviceEnv: Record<string, string>, stateDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...serviceEnv, PLATFORM_STATE_DIR: stateDir };
  delete env['POSTGRES_URL'];
  delete env['KAFKA_BROKERS'];
  delete env['ADMIN_TOKEN'];
  return env;
}

/** One of the runner's commands (start, dev) as a test runs it: its output kept, Ctrl-C as a user sends it. */
export interface RunnerProcess {
  readonly child: ChildProcess;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  /** Everything it printed so far, stdout and stderr interleaved. */
  readonly output: () => string;
  /** SIGINT, then SIGKILL if it has not exited within `timeoutMs`; resolves with the exit code. */
  readonly interrupt: (timeoutMs: number) => Promise<number | null>;
}

export function spawnRunner(cli: string, args: readonly string[], env: NodeJS.ProcessEnv): RunnerProcess {
  const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => output,
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

export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  repoRoot?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliOf(repoRoot), ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
