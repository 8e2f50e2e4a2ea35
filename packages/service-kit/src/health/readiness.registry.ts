import { Injectable } from '@nestjs/common';

/**
 * What a readiness check found. Details go into the `/health/ready` body; `degraded: true` means
 * the instance still serves, impaired (e.g. routing on a frozen registry view while Kafka is down).
 */
export type ReadinessResult = Record<string, unknown> & { readonly degraded?: boolean };

/** Resolves (optionally with details) when the dependency answers; throws or rejects when not. */
export type ReadinessCheck = (options: { signal: AbortSignal }) => Promise<ReadinessResult | void>;

export interface ReadinessCheckOptions {
  /**
   * A critical dependency failing makes the instance not ready (503). A non-critical one only
   * marks it degraded (still 200): the instance can serve without it for a while.
   */
  readonly critical?: boolean;
}

export interface RegisteredCheck {
  readonly name: string;
  readonly check: ReadinessCheck;
  readonly critical: boolean;
}

/**
 * The dependencies an instance needs before it should take traffic (its database, Kafka, a
 * caught-up registry), registered by the modules that own them, plus the shutdown switch: once
 * shutdown begins the instance reports not ready, whatever its dependencies say.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, RegisteredCheck>();
  private shuttingDown = false;

  register(name: string, check: ReadinessCheck, options: ReadinessCheckOptions = {}): void {
    if (this.checks.has(name)) throw new Error(`readiness check "${name}" is registered twice`);
    this.checks.set(name, { name, check, critical: options.critical ?? true });
  }

  entries(): RegisteredCheck[] {
    return [...this.checks.values()];
  }

  beginShutdown(): void {
    this.shuttingDown = true;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }
}
