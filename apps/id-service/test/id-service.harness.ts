import { createServiceApp, type RunningService } from '@platform/service-kit';
import type { TestService } from '@platform/testing';

import { AppModule } from '../src/app.module.js';
import { readConfig } from '../src/config/config.js';
import type { IdServiceConfig } from '../src/config/env.schema.js';

/** An id-service instance running in the test process. */
export type IdServiceInstance = TestService<RunningService>;

/** Options for `TestServices.start` that run one id-service instance in the test process. */
export function idService(options: {
  readonly registryTopic: string;
  readonly instanceId: string;
  readonly databaseUrl: string;
  readonly env?: Readonly<Record<string, string>>;
}) {
  return {
    createServiceApp,
    name: 'id-service',
    readConfig,
    module: (config: IdServiceConfig) => AppModule.forRoot(config),
    registryTopic: options.registryTopic,
    instanceId: options.instanceId,
    env: { DATABASE_URL: options.databaseUrl, ...options.env },
  };
}

/** The (datacenter, worker) pair an instance reports in its readiness check. */
export interface WorkerLeaseHealth {
  readonly status: 'ok' | 'error';
  readonly info?: Record<string, { status: string; datacenterId?: number; workerId?: number }>;
  readonly error?: Record<string, { status: string; message?: string }>;
}
