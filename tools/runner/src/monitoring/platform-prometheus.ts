import path from 'node:path';

import { portFrom } from '@platform/local-infra';

import { statePaths, type PrometheusRecord } from '../state.js';
import { findPrometheus, startPrometheus, type LocalPrometheus } from './local-prometheus.js';

/** Prometheus beside `npm start`'s platform (see {@link startPlatformPrometheus}). */
export interface PlatformPrometheusOptions {
  /** Tried first; the next free port above it otherwise. Default 9090. */
  readonly port?: number;
  /** How often it scrapes every instance and asks the gateway for the list. Default 15 s. */
  readonly scrapeIntervalSeconds?: number;
}

export const PROMETHEUS_INSTALL_HINT =
  "install it to get metrics, alerts and the Grafana dashboards' queries locally " +
  '(Debian/Ubuntu: sudo apt-get install prometheus; or a release from https://prometheus.io/download/) ' +
  'and start again';

/** A Prometheus the platform started, or the reason it has none. */
export class PlatformPrometheus {
  private constructor(
    private readonly local: LocalPrometheus | undefined,
    private readonly skipped: string | undefined,
  ) {}

  /**
   * Starts Prometheus when its binary is on PATH: configuration and token in `<stateDir>/prometheus`,
   * data in `<stateDir>/data/prometheus`, a free port from 9090 up. Optional: when it is missing or
   * fails, the platform runs without it and says why.
   */
  static async start(options: {
    readonly stateDir: string;
    readonly gatewayUrl: string;
    readonly adminToken: string;
    readonly settings: PlatformPrometheusOptions;
    /** Ports the platform uses or is about to. */
    readonly takenPorts: ReadonlySet<number>;
    readonly searchPath: string | undefined;
    readonly progress: (message: string) => void;
  }): Promise<PlatformPrometheus> {
    const binary = findPrometheus(options.searchPath);
    if (!binary) {
      const reason = 'no `prometheus` on PATH';
      options.progress(`prometheus: skipped (${reason}); ${PROMETHEUS_INSTALL_HINT}`);
      return new PlatformPrometheus(undefined, reason);
    }
    const paths = statePaths(options.stateDir);
    const scrapeIntervalSeconds = options.settings.scrapeIntervalSeconds ?? 15;
    try {
      const local = await startPrometheus({
        binary,
        configDir: path.join(options.stateDir, 'prometheus'),
        dataDir: path.join(paths.data, 'prometheus'),
        logFile: path.join(paths.logs, 'prometheus.log'),
        port: await portFrom(options.settings.port ?? 9090, options.takenPorts),
        gatewayUrl: options.gatewayUrl,
        adminToken: options.adminToken,
        scrapeIntervalSeconds,
      });
      options.progress(
        `prometheus: ready on ${local.url} (Prometheus ${local.version}), scraping every instance in the ` +
          `registry every ${scrapeIntervalSeconds} s; targets at ${local.url}/targets, alerts at ${local.url}/alerts`,
      );
      return new PlatformPrometheus(local, undefined);
    } catch (error) {
      const reason = `could not start: ${(error as Error).message}`;
      options.progress(`prometheus: ${reason}; the platform runs without it`);
      return new PlatformPrometheus(undefined, reason);
    }
  }

  record(): PrometheusRecord {
    return this.local
      ? { url: this.local.url, pid: this.local.pid }
      : { url: null, pid: null, skipped: this.skipped ?? 'not started' };
  }

  async stop(): Promise<void> {
    await this.local?.stop();
  }
}
