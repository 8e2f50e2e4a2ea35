import fs from 'node:fs';
import path from 'node:path';

import type { PostgresServer } from './catalog.js';

/** What a running platform looks like, written by the runner and read by `npm run status`. */
export interface PlatformState {
  readonly runnerPid: number;
  readonly startedAt: string;
  readonly adminToken: string;
  readonly gatewayUrl: string;
  /** The runner's control API (`npm run release` uses it); absent until the platform is up. */
  readonly controlUrl?: string;
  /** Per service, the version new instances start at; a promoted release changes it. */
  readonly versions: Readonly<Record<string, string>>;
  readonly infrastructure: {
    /** Servers a and b; with POSTGRES_URL both are that one external server. */
    readonly postgres: readonly PostgresRecord[];
    readonly kafka: {
      readonly brokers: readonly string[];
      readonly pid: number | null;
      readonly managed: boolean;
    };
    /** Scraping every instance in the registry; absent until the platform is up. */
    readonly prometheus?: PrometheusRecord;
  };
  readonly instances: readonly InstanceRecord[];
}

/** The Prometheus `npm start` runs when its binary is on PATH. */
export interface PrometheusRecord {
  /** Its UI and API; null when it does not run. */
  readonly url: string | null;
  readonly pid: number | null;
  /** Why it does not run, when it does not. */
  readonly skipped?: string;
}

export interface PostgresRecord {
  readonly name: PostgresServer;
  readonly url: string;
  readonly pid: number | null;
  /** Started by the runner (embedded), not given with POSTGRES_URL. */
  readonly managed: boolean;
}

export interface InstanceRecord {
  readonly service: string;
  readonly instanceId: string;
  /** Its SERVICE_VERSION. */
  readonly version: string;
  /** Its SERVICE_TRACK: `stable`, or the group it belongs to in a release (`canary`, `blue`, `green`). */
  readonly track: string;
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  readonly logFile: string;
}

export function statePaths(stateDir: string) {
  return {
    state: path.join(stateDir, 'state.json'),
    lock: path.join(stateDir, 'runner.lock'),
    logs: path.join(stateDir, 'logs'),
    data: path.join(stateDir, 'data'),
  };
}

export function writeState(stateDir: string, state: PlatformState): void {
  const file = statePaths(stateDir).state;
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
}

export function readState(stateDir: string): PlatformState | undefined {
  try {
    return JSON.parse(fs.readFileSync(statePaths(stateDir).state, 'utf8')) as PlatformState;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number | null | undefined): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class RunnerAlreadyRunningError extends Error {
  constructor(
    readonly pid: number,
    stateDir: string,
  ) {
    super(
      `a platform runner is already running (pid ${pid}, state in ${stateDir}). ` +
        `Stop it with Ctrl-C in its terminal or \`kill ${pid}\`, or see it with \`npm run status\`.`,
    );
    this.name = 'RunnerAlreadyRunningError';
  }
}

/**
 * Makes this process the only runner for `stateDir`: creates the lock file exclusively, taking
 * over a lock whose owner is dead. Returns a function that releases it.
 */
export function acquireRunnerLock(stateDir: string): () => void {
  fs.mkdirSync(stateDir, { recursive: true });
  const { lock } = statePaths(stateDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => {
        if (fs.readFileSync(lock, 'utf8') === String(process.pid)) fs.rmSync(lock, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(fs.readFileSync(lock, 'utf8'));
      if (isAlive(owner) && owner !== process.pid) throw new RunnerAlreadyRunningError(owner, stateDir);
      fs.rmSync(lock, { force: true }); // left by a runner that died
    }
  }
  throw new Error(`could not take the runner lock ${lock}`);
}
