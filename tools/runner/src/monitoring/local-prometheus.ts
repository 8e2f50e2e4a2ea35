import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { stopProcessGroup } from '@platform/local-infra';

import { renderPrometheusConfig } from './prometheus-config.js';

/**
 * Prometheus is a Go binary and cannot notice that the runner which started it is gone. This shell
 * stays between the two, as Kafka's host process does for the broker: it stops Prometheus when the
 * runner's process disappears (killed without cleaning up), and on SIGTERM.
 */
const WATCHDOG = `
"$0" "$@" &
prometheus=$!
trap 'kill -TERM "$prometheus" 2>/dev/null' TERM INT HUP
while kill -0 "$prometheus" 2>/dev/null; do
  kill -0 "$PLATFORM_PARENT_PID" 2>/dev/null || kill -TERM "$prometheus" 2>/dev/null
  sleep 1
done
wait "$prometheus"
`;

export interface StartPrometheusOptions {
  /** The `prometheus` binary (see {@link findPrometheus}). */
  readonly binary: string;
  /** Where its configuration and the admin token file are written. */
  readonly configDir: string;
  /** Its time-series database; kept between starts. */
  readonly dataDir: string;
  readonly logFile: string;
  readonly port: number;
  readonly gatewayUrl: string;
  readonly adminToken: string;
  readonly scrapeIntervalSeconds: number;
  readonly readyTimeoutMs?: number;
}

export interface LocalPrometheus {
  /** The watchdog shell's pid, the leader of Prometheus's process group. */
  readonly pid: number;
  readonly url: string;
  readonly version: string;
  stop(timeoutMs?: number): Promise<void>;
}

/** The first executable `prometheus` on `searchPath` (PATH's format), if any. */
export function findPrometheus(searchPath: string | undefined): string | undefined {
  for (const dir of (searchPath ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'prometheus');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Writes the configuration (from infra/prometheus/prometheus.local.template.yml) and the token file,
 * starts Prometheus on 127.0.0.1:`port` in a process group of its own, and waits until it is ready.
 */
export async function startPrometheus(options: StartPrometheusOptions): Promise<LocalPrometheus> {
  fs.mkdirSync(options.configDir, { recursive: true });
  fs.mkdirSync(options.dataDir, { recursive: true });
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const tokenFile = path.join(options.configDir, 'admin-token');
  fs.writeFileSync(tokenFile, options.adminToken, { mode: 0o600 });
  const configFile = path.join(options.configDir, 'prometheus.yml');
  const address = `127.0.0.1:${options.port}`;
  fs.writeFileSync(
    configFile,
    renderPrometheusConfig({
      gatewayUrl: options.gatewayUrl,
      adminTokenFile: tokenFile,
      scrapeIntervalSeconds: options.scrapeIntervalSeconds,
      prometheusAddress: address,
    }),
  );

  const log = fs.openSync(options.logFile, 'a');
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      WATCHDOG,
      options.binary,
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${options.dataDir}`,
      '--storage.tsdb.retention.time=7d',
      `--web.listen-address=${address}`,
    ],
    {
      detached: true, // a Ctrl-C reaches the runner first, which then stops Prometheus
      stdio: ['ignore', log, log],
      env: { ...process.env, PLATFORM_PARENT_PID: String(process.pid) },
    },
  );
  fs.closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const url = `http://${address}`;

  const stop = (timeoutMs = 15_000) => stopProcessGroup(child, exited, timeoutMs);

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (!running()) {
      throw new Error(`Prometheus exited while starting; see ${options.logFile}`);
    }
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Prometheus was not ready within ${(options.readyTimeoutMs ?? 60_000) / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { pid: child.pid!, url, version: prometheusVersion(options.binary), stop };
}

/** "2.42.0" from `prometheus --version`'s first line ("prometheus, version 2.42.0+ds (...)"). */
function prometheusVersion(binary: string): string {
  const output = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return /version (\d+\.\d+\.\d+)/.exec(`${output.stdout}${output.stderr}`)?.[1] ?? 'unknown version';
}
