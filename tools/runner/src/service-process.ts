import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createInterface } from 'node:readline';

import { entryPoint, type ServiceSpec } from './catalog.js';
import { DEFAULT_SERVICE_VERSION, STABLE_TRACK } from './control/control-api.js';

/** Lines of output kept to explain an exit while starting. */
const LAST_LINES_KEPT = 12;

export type InstanceState = 'starting' | 'ready' | 'stopping' | 'exited';

export interface ServiceProcessOptions {
  readonly spec: ServiceSpec;
  readonly instanceId: string;
  readonly port: number;
  /**
   * Its SERVICE_VERSION and SERVICE_TRACK, which it announces in the registry. Default: what `env`
   * (else the runner's environment) says, else the services' own defaults (0.1.0, stable).
   */
  readonly version?: string;
  readonly track?: string;
  readonly env: Record<string, string>;
  readonly logFile: string;
  /** Each line the process writes, to show it prefixed with the instance id. */
  readonly onLine?: (instanceId: string, line: string, stream: 'stdout' | 'stderr') => void;
  readonly onExit?: (instance: ServiceProcess, code: number | null, signal: NodeJS.Signals | null) => void;
}

/**
 * One running service instance: a Node process in its own process group (so a Ctrl-C reaches the
 * runner first, which then stops services in order), its output kept in a log file.
 */
export class ServiceProcess {
  readonly child: ChildProcess;
  readonly version: string;
  readonly track: string;
  state: InstanceState = 'starting';
  readonly spawnedAt = Date.now();
  /** When `/health/ready` first answered 200. */
  readyAt: number | undefined;
  /** `stop()` was called, so its exit is expected (`state` is already `exited` when it is reported). */
  stopRequested = false;
  private readonly exited: Promise<void>;
  /** Its last lines of output, to say why when it dies while starting (its log may be gone by then). */
  private readonly lastLines: string[] = [];
  /** Both output streams were read to their end. */
  private readonly outputRead: Promise<unknown>;

  constructor(readonly options: ServiceProcessOptions) {
    const inherited = { ...process.env, ...options.env };
    this.version = options.version ?? inherited['SERVICE_VERSION'] ?? DEFAULT_SERVICE_VERSION;
    this.track = options.track ?? inherited['SERVICE_TRACK'] ?? STABLE_TRACK;
    const log = fs.createWriteStream(options.logFile, { flags: 'a' });
    this.child = spawn(process.execPath, [entryPoint(options.spec)], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Set here so that what the runner records and what the service announces cannot differ.
      env: { ...inherited, SERVICE_VERSION: this.version, SERVICE_TRACK: this.track },
    });
    const outputs = [
      ['stdout', this.child.stdout!],
      ['stderr', this.child.stderr!],
    ] as const;
    const readers = outputs.map(([name, stream]) => {
      stream.pipe(log, { end: false });
      const lines = createInterface({ input: stream });
      lines.on('line', (line) => {
        this.lastLines.push(line);
        if (this.lastLines.length > LAST_LINES_KEPT) this.lastLines.shift();
        options.onLine?.(options.instanceId, line, name);
      });
      return new Promise((resolve) => lines.once('close', resolve));
    });
    this.outputRead = Promise.all(readers);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        this.state = 'exited';
        // Output still being read after the exit must not be written to a closed log.
        void this.outputRead.then(() => log.end());
        options.onExit?.(this, code, signal);
        resolve();
      }),
    );
  }

  get service(): string {
    return this.options.spec.name;
  }

  get instanceId(): string {
    return this.options.instanceId;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get port(): number {
    return this.options.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Polls `/health/ready` until it answers 200; fails if the process exits or time runs out. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        // 'exit' can come before the last of its output has been read.
        await Promise.race([this.outputRead, new Promise((resolve) => setTimeout(resolve, 1_000))]);
        throw new Error(this.describeEarlyExit());
      }
      try {
        const response = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) {
          this.state = 'ready';
          this.readyAt = Date.now();
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(
      `${this.instanceId} was not ready within ${timeoutMs / 1000} s; see ${this.options.logFile}`,
    );
  }

  private describeEarlyExit(): string {
    const { exitCode, signalCode } = this.child;
    const how = signalCode ? `signal ${signalCode}` : `code ${String(exitCode)}`;
    const tail = this.lastLines.length
      ? `; its last lines:\n${this.lastLines.map((line) => `  ${line}`).join('\n')}\n`
      : ' without a line of output; ';
    return `${this.instanceId} exited while starting (${how})${tail}see ${this.options.logFile}`;
  }

  /** SIGTERM (graceful: leave the registry, finish in-flight requests), SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (!this.running) return;
    this.stopRequested = true;
    this.state = 'stopping';
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.kill(), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** SIGKILL: no goodbye, as a crash or a lost machine would look to the rest of the platform. */
  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }

  whenExited(): Promise<void> {
    return this.exited;
  }
}
