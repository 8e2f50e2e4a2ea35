import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { freePort, REPO_ROOT } from '@platform/local-infra';
import { LogCapture, TEST_ADMIN_TOKEN, testKafkaBrokers } from '@platform/testing';

/**
 * A real id-service process (its built `dist/main.js`), for what an instance in the test process
 * cannot show: a crash with no goodbye (SIGKILL). Run `npm run build` at the root first.
 */
export class IdServiceProcess {
  readonly logs = new LogCapture();
  private readonly exited: Promise<void>;

  private constructor(
    readonly instanceId: string,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => this.logs.write(line));
    createInterface({ input: child.stderr! }).on('line', (line) => this.logs.write(line));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async start(options: {
    readonly instanceId: string;
    readonly registryTopic: string;
    readonly databaseUrl: string;
    readonly env?: Readonly<Record<string, string>>;
  }): Promise<IdServiceProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'apps/id-service/dist/main.js')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        PORT: String(port),
        INSTANCE_ID: options.instanceId,
        KAFKA_BROKERS: testKafkaBrokers().join(','),
        REGISTRY_TOPIC: options.registryTopic,
        DATABASE_URL: options.databaseUrl,
        ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        // Stops by itself should the test process die without cleaning up.
        PLATFORM_PARENT_PID: String(process.pid),
        ...options.env,
      },
    });
    const instance = new IdServiceProcess(options.instanceId, port, child);
    try {
      await instance.waitReady(60_000);
    } catch (error) {
      instance.kill();
      throw error;
    }
    return instance;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL: no tombstone, no drain, connections cut, as a crash or a lost machine would look. */
  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }

  /** Graceful stop (SIGTERM), SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 20_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.kill(), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  whenExited(): Promise<void> {
    return this.exited;
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) break;
      try {
        const response = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const tail = this.logs.lines
      .slice(-5)
      .map((line) => line.msg)
      .join(' | ');
    throw new Error(`${this.instanceId} was not ready within ${timeoutMs} ms (last log lines: ${tail})`);
  }
}
