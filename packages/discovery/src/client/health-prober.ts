import { request, type Dispatcher } from 'undici';

import type { Logger } from '@platform/observability';

import type { ServiceInstance } from '../service-instance.js';

export interface HealthProberOptions {
  readonly dispatcher: Dispatcher;
  readonly logger: Logger;
  readonly intervalMs: number;
  readonly timeoutMs?: number;
  /** The instances to probe now (those of the services this caller uses). */
  readonly targets: () => ServiceInstance[];
  /**
   * An instance that failed its probes passes again (a frozen process thawed, a restart finished):
   * the caller starts what it measured of the instance afresh, since the calls that hung on it say
   * nothing about it now.
   */
  readonly onRecovered?: (instance: ServiceInstance) => void;
}

/**
 * Active health: every interval, asks each instance the caller uses for `GET /health/ready`. An
 * instance that does not answer 200 (down, shutting down, or its own dependencies failing) gets
 * no traffic until a later probe passes. Complements passive health, which needs failed requests
 * to notice anything.
 */
export class HealthProber {
  private readonly unhealthy = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private probing = false;

  constructor(private readonly options: HealthProberOptions) {}

  start(): void {
    if (this.options.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.probeAll(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  isHealthy(id: string): boolean {
    return !this.unhealthy.has(id);
  }

  /** Why an instance failed its last probe, if it did. */
  problem(id: string): string | undefined {
    return this.unhealthy.get(id);
  }

  async probeAll(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      const targets = this.options.targets();
      const ids = new Set(targets.map((t) => t.id));
      for (const id of this.unhealthy.keys()) if (!ids.has(id)) this.unhealthy.delete(id);
      await Promise.all(targets.map((target) => this.probe(target)));
    } finally {
      this.probing = false;
    }
  }

  private async probe(instance: ServiceInstance): Promise<void> {
    let problem: string | undefined;
    try {
      const response = await request(`${instance.url}/health/ready`, {
        dispatcher: this.options.dispatcher,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 1_000),
      });
      await response.body.dump();
      if (response.statusCode !== 200) problem = `/health/ready answered ${response.statusCode}`;
    } catch (error) {
      problem = `/health/ready failed: ${(error as { code?: string }).code ?? (error as Error).message}`;
    }
    const was = this.unhealthy.get(instance.id);
    if (problem) {
      this.unhealthy.set(instance.id, problem);
      if (!was)
        this.options.logger.warn(
          { service: instance.service, instance: instance.id, problem },
          'health probe failed',
        );
    } else if (was) {
      this.unhealthy.delete(instance.id);
      this.options.logger.info(
        { service: instance.service, instance: instance.id },
        'health probe passes again',
      );
      this.options.onRecovered?.(instance);
    }
  }
}
