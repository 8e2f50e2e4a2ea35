import { createServiceApp, type RunningService } from '@platform/service-kit';
import { testServiceFactory, type TestService } from '@platform/testing';

import { AppModule } from '../src/app.module.js';
import { readConfig } from '../src/config/config.js';
import type { IdServiceConfig } from '../src/config/env.schema.js';

/** An id-service instance running in the test process. */
export type IdServiceInstance = TestService<RunningService>;

/** Options for `TestServices.start` that run one id-service instance in the test process. */
export const idService = testServiceFactory(
  {
    createServiceApp,
    name: 'id-service',
    readConfig,
    module: (config: IdServiceConfig) => AppModule.forRoot(config),
  },
  (settings: { readonly databaseUrl: string }) => ({ DATABASE_URL: settings.databaseUrl }),
);

/** The (datacenter, worker) pair an instance reports in its readiness check. */
export interface WorkerLeaseHealth {
  readonly status: 'ok' | 'error';
  readonly info?: Record<string, { status: string; datacenterId?: number; workerId?: number }>;
  readonly error?: Record<string, { status: string; message?: string }>;
}
