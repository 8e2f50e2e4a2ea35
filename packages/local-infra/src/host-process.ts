import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

import { parseHostEvent } from './host-protocol.js';

export interface HostOptions {
  /** What is being started, for error messages ("PostgreSQL", "Kafka"). */
  readonly what: string;
  readonly script: string;
  readonly config: unknown;
  readonly readyTimeoutMs: number;
  readonly onProgress?: (message: string) => void;
}

export interface HostProcess {
  readonly pid: number;
  readonly details: Record<string, unknown>;
  /** Asks the host to stop its infrastructure cleanly and waits for it to exit. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * Spawns a host in its own process group (so a Ctrl-C meant for the runner does not reach it
 * first) and waits for its `ready` event.
 */
export async function startHost(options: HostOptions): Promise<HostProcess> {
  const child = spawn(process.execPath, [options.script, JSON.stringify(options.config)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const details = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`${options.what} was not ready within ${options.readyTimeoutMs / 1000} s`));
    }, options.readyTimeoutMs);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const event = parseHostEvent(line);
      if (event?.event === 'progress') options.onProgress?.(event.message);
      else if (event?.event === 'ready') {
        clearTimeout(timer);
        resolve(event.details);
      } else if (event?.event === 'failed') {
        clearTimeout(timer);
        reject(new Error(`${options.what} failed to start: ${event.message}`));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `${options.what} exited before it was ready (code ${code ?? 'none'}, signal ${signal ?? 'none'})` +
            (stderr ? `: ${stderr.trim()}` : ''),
        ),
      );
    });
  });

  return {
    pid: child.pid!,
    details,
    stop: (timeoutMs = 30_000) => stopProcessGroup(child, exited, timeoutMs),
  };
}

/**
 * Stops a child started with `detached: true` (the leader of its own process group): SIGTERM, then,
 * if it has not exited within `timeoutMs`, SIGKILL to its whole group.
 */
export async function stopProcessGroup(
  child: ChildProcess,
  exited: Promise<void>,
  timeoutMs: number,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, timeoutMs);
  await exited;
  clearTimeout(timer);
}
