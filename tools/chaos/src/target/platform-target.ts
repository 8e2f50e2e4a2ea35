import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { freePort, REPO_ROOT } from '@platform/local-infra';
import { ControlClient, isAlive, readState, type InstanceRecord, type PlatformState } from '@platform/runner';

const RUNNER_CLI = path.join(REPO_ROOT, 'tools/runner/dist/cli.js');
/** Two PostgreSQL servers, Kafka and seven services on a busy two-core machine. */
const START_TIMEOUT_MS = 300_000;

/**
 * The platform a chaos run acts on: one already running (found through the runner's state file), or
 * one it starts for itself, the way `npm start` does, in a temporary state directory on free ports,
 * with FAULTS_ENABLED=true (the id-service clock control needs it) and stops afterwards.
 */
export class PlatformTarget {
  readonly control: ControlClient;

  private constructor(
    readonly stateDir: string,
    private readonly initial: PlatformState,
    private readonly runner: ChildProcess | undefined,
    private readonly runnerExited: Promise<number | null> | undefined,
    /** The runner's output, when it was started here. */
    readonly output: () => string,
  ) {
    this.control = new ControlClient(initial.controlUrl!, initial.adminToken);
  }

  get startedHere(): boolean {
    return this.runner !== undefined;
  }

  get gatewayUrl(): string {
    return this.initial.gatewayUrl;
  }

  get adminToken(): string {
    return this.initial.adminToken;
  }

  get auth(): Record<string, string> {
    return { authorization: `Bearer ${this.adminToken}` };
  }

  /** The runner's state now (pids change when instances and servers restart). */
  state(): PlatformState {
    return readState(this.stateDir) ?? this.initial;
  }

  instances(service?: string): InstanceRecord[] {
    const all = this.state().instances;
    return service === undefined ? [...all] : all.filter((instance) => instance.service === service);
  }

  /** Uses the platform running with `stateDir`, if there is one with a control API; else starts one. */
  static async attachOrStart(stateDir: string, say: (message: string) => void): Promise<PlatformTarget> {
    const state = readState(stateDir);
    if (state && isAlive(state.runnerPid) && state.controlUrl) {
      say(`using the platform running from ${stateDir} (runner pid ${state.runnerPid}, ${state.gatewayUrl})`);
      return new PlatformTarget(stateDir, state, undefined, undefined, () => '');
    }
    return PlatformTarget.start(say);
  }

  private static async start(say: (message: string) => void): Promise<PlatformTarget> {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-chaos-'));
    fs.chmodSync(stateDir, 0o755);
    const ports = [await freePort(), await freePort(), await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = { ...process.env, FAULTS_ENABLED: 'true', PLATFORM_STATE_DIR: stateDir };
    for (const name of ['POSTGRES_URL', 'KAFKA_BROKERS', 'ADMIN_TOKEN']) delete env[name];
    const args = [
      RUNNER_CLI,
      'start',
      '--quiet',
      // Readable lines, shown when the run fails, rather than the JSON a pipe gets by default.
      '--pretty-logs',
      '--no-prometheus',
      `--gateway-port=${ports[0]}`,
      `--postgres-port=${ports[1]}`,
      `--kafka-port=${ports[2]}`,
      `--kafka-controller-port=${ports[3]}`,
    ];
    say(`starting a platform for this run (state in ${stateDir}, gateway on :${ports[0]})`);
    const runner = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const append = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-200_000));
    runner.stdout.on('data', append);
    runner.stderr.on('data', append);
    const exited = new Promise<number | null>((resolve) => runner.once('exit', (code) => resolve(code)));
    const started = Date.now();
    while (!output.includes('platform up in')) {
      if (runner.exitCode !== null)
        throw new Error(`the runner exited while starting:\n${output.slice(-4000)}`);
      if (Date.now() - started > START_TIMEOUT_MS) {
        runner.kill('SIGINT');
        await exited;
        throw new Error(
          `the platform did not come up in ${START_TIMEOUT_MS / 1000} s:\n${output.slice(-4000)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    say(`platform up in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const state = readState(stateDir);
    if (!state?.controlUrl) throw new Error(`the runner wrote no state with a control API in ${stateDir}`);
    return new PlatformTarget(stateDir, state, runner, exited, () => output);
  }

  /** Stops the platform if this run started it (Ctrl-C to its runner), and removes its state. */
  async stop(): Promise<void> {
    if (!this.runner || !this.runnerExited) return;
    if (this.runner.exitCode === null) this.runner.kill('SIGINT');
    const timer = setTimeout(() => this.runner!.kill('SIGKILL'), 120_000);
    await this.runnerExited;
    clearTimeout(timer);
    fs.rmSync(this.stateDir, { recursive: true, force: true });
  }

  /** Ctrl-C to the runner without waiting: for the suite's own SIGINT handler. */
  interrupt(): void {
    if (this.runner?.exitCode === null) this.runner.kill('SIGINT');
  }
}
