import type { FaultSettings } from './fault-settings.js';

export interface InjectedFault {
  /** Wait this long before handling the request. */
  readonly delayMs: number;
  /** Then answer with this status instead of handling it, if set. */
  readonly errorStatus?: number;
}

/** Holds the faults currently injected and draws one request's fault from them. */
export class FaultInjector {
  private settings: FaultSettings = {};

  constructor(private readonly random: () => number = Math.random) {}

  current(): FaultSettings {
    return this.settings;
  }

  set(settings: FaultSettings): void {
    this.settings = settings;
  }

  clear(): void {
    this.settings = {};
  }

  get active(): boolean {
    return this.settings.latency !== undefined || this.settings.errors !== undefined;
  }

  draw(): InjectedFault {
    const { latency, errors } = this.settings;
    let delayMs = 0;
    if (latency && this.random() < (latency.share ?? 1)) delayMs = Math.max(0, this.latency(latency));
    const errorStatus = errors && this.random() < errors.share ? errors.status : undefined;
    return { delayMs, errorStatus };
  }

  private latency(latency: NonNullable<FaultSettings['latency']>): number {
    switch (latency.distribution) {
      case 'fixed':
        return latency.ms;
      case 'uniform':
        return latency.minMs + this.random() * (latency.maxMs - latency.minMs);
      case 'exponential':
        return -latency.meanMs * Math.log(1 - this.random());
      case 'normal': {
        // Box-Muller.
        const u = 1 - this.random();
        const v = this.random();
        return latency.meanMs + latency.stddevMs * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      }
    }
  }
}
