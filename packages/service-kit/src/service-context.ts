import type { Registry } from 'prom-client';

import type { Logger } from '@platform/observability';

import type { BaseEnv } from './config/base-env.schema.js';

/**
 * Who this process is and the tools every part of it shares. Created once at start-up and
 * injectable everywhere (the service kit module is global).
 */
export class ServiceContext {
  constructor(
    readonly name: string,
    readonly instanceId: string,
    readonly config: BaseEnv,
    readonly logger: Logger,
    readonly metrics: Registry,
  ) {}

  get version(): string {
    return this.config.SERVICE_VERSION;
  }

  get track(): string {
    return this.config.SERVICE_TRACK;
  }

  get zone(): string {
    return this.config.ZONE;
  }
}
