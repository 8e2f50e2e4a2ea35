import { createServiceApp, type RunningService } from '@platform/service-kit';
import { testServiceFactory, type TestService } from '@platform/testing';

import { AppModule } from '../src/app.module.js';
import { readConfig } from '../src/config/config.js';
import type { FlagsServiceConfig } from '../src/config/env.schema.js';

/** A flags-service instance running in the test process. */
export type FlagsServiceInstance = TestService<RunningService>;

/** Options for `TestServices.start` that run one flags-service instance in the test process. */
export const flagsService = testServiceFactory(
  {
    createServiceApp,
    name: 'flags-service',
    readConfig,
    module: (config: FlagsServiceConfig) => AppModule.forRoot(config),
  },
  (settings: { readonly databaseUrl: string }) => ({ DATABASE_URL: settings.databaseUrl }),
);
