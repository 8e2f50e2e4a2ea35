import { Injectable } from '@nestjs/common';

/** Resolves (optionally with details) when the dependency answers; throws or rejects when not. */
export type ReadinessCheck = (options: { signal: AbortSignal }) => Promise<Record<string, unknown> | void>;

/**
 * The dependencies an instance needs before it should take traffic (its database, Kafka, a
 * caught-up registry), registered by the modules that own them, plus the shutdown switch: once
 * shutdown begins the instance reports not ready, whatever its dependencies say.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private shuttingDown = false;

  register(name: string, check: ReadinessCheck): void {
    if (this.checks.has(name)) throw new Error(`readiness check "${name}" is registered twice`);
    this.checks.set(name, check);
  }

  entries(): [string, ReadinessCheck][] {
    return [...this.checks.entries()];
  }

  beginShutdown(): void {
    this.shuttingDown = true;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }
}
