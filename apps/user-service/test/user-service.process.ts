import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { freePort } from '@platform/local-infra';
import { TEST_ADMIN_TOKEN, testKafkaBrokers } from '@platform/testing';

import { userServiceEnv, type UserServiceData } from './user-service.harness.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/**
 * A user-service as its own process, from its build: a test that kills a process mid-write or
 * mid-reshard needs a process to kill.
 */
export class UserServiceProcess {
  private readonly child: ChildProcess;
  readonly output: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly url: string,
    env: Record<string, string>,
  ) {
    this.child = spawn(process.execPath, [MAIN], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    for (const stream of [this.child.stdout!, this.child.stderr!])
      stream.on('data', (chunk: Buffer) => this.output.push(chunk.toString('utf8')));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  /** Starts one and waits until it is ready. `extraEnv` may set FAULTS_ENABLED and USER_CRASH_POINT. */
  static async start(options: {
    readonly registryTopic: string;
    readonly instanceId: string;
    readonly data: UserServiceData;
    readonly extraEnv?: Record<string, string>;
  }): Promise<UserServiceProcess> {
    const port = await freePort();
    const instance = new UserServiceProcess(`http://127.0.0.1:${port}`, {
      PORT: String(port),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      REGISTRY_TOPIC: options.registryTopic,
      INSTANCE_ID: options.instanceId,
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      REGISTRY_TTL_MS: '3000',
      REGISTRY_HEARTBEAT_MS: '1000',
      SHUTDOWN_DRAIN_MS: '0',
      LOG_LEVEL: 'info',
      ...userServiceEnv(options.data),
      ...options.extraEnv,
    });
    await instance.waitReady(60_000);
    return instance;
  }

  /** Sends `signal` to the process: SIGSTOP to play a hung host (its lease runs out), SIGCONT to wake it. */
  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`user-service exited while starting:\n${this.output.join('')}`);
      const ready = await fetch(`${this.url}/health/ready`).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    this.child.kill('SIGKILL');
    throw new Error(`user-service was not ready within ${timeoutMs} ms:\n${this.output.join('')}`);
  }

  /** Stops it (SIGTERM, then SIGKILL after 10 s) and waits for the exit. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
