// Child processes for the benchmarks: a platform service (its built entry point, env as the runner
// gives it) or any command, its output written straight to a log file (not piped through this
// process, which may be measuring), stopped with SIGTERM then SIGKILL, and registered for clean-up.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { REPO_ROOT } from '@platform/local-infra';

import { sleep } from './harness.mjs';

/**
 * Starts `command args` with its output in `logFile`. Returns { child, pid, running, stop(ms), kill(), exited }.
 * `detached` puts it in its own process group, as the runner does for services (a Ctrl-C reaches this
 * script first, which then stops it in order).
 */
export function startProcess(harness, { command, args = [], env = {}, logFile, detached = true }) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, 'a');
  const child = spawn(command, args, {
    detached,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...env },
  });
  fs.closeSync(out);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const running = () => child.exitCode === null && child.signalCode === null;
  const handle = {
    child,
    pid: child.pid,
    logFile,
    exited,
    running,
    /** SIGTERM, then SIGKILL after `timeoutMs`. */
    async stop(timeoutMs = 15_000, signal = 'SIGTERM') {
      if (!running()) return;
      child.kill(signal);
      const timer = setTimeout(() => running() && child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
    kill() {
      if (running()) child.kill('SIGKILL');
    },
  };
  harness.onCleanup(() => handle.stop());
  return handle;
}

/** A platform service (`apps/<name>/dist/main.js`) with the environment the runner would give it. */
export function startService(harness, { service, instanceId, port, env, extraNodeArgs = [] }) {
  return startProcess(harness, {
    command: process.execPath,
    args: [...extraNodeArgs, path.join(REPO_ROOT, `apps/${service}/dist/main.js`)],
    env: { PORT: String(port), INSTANCE_ID: instanceId, PLATFORM_PARENT_PID: String(process.pid), ...env },
    logFile: path.join(harness.dir, 'logs', `${instanceId}.log`),
  });
}

/** Polls `url` until it answers 200 (every `everyMs`); resolves with the time it first did (epoch ms). */
export async function waitForOk(url, { timeoutMs = 90_000, everyMs = 100, process: proc, headers } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc && !proc.running()) throw new Error(`${url}: the process exited; see ${proc.logFile}`);
    try {
      const response = await fetch(url, { headers, signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) return Date.now();
    } catch {
      // not up yet
    }
    await sleep(everyMs);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s`);
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(50);
  }
  throw new Error(`nothing listened on port ${port} within ${timeoutMs / 1000} s`);
}
