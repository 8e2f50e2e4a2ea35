import { createServiceApp, type RunningService } from '@platform/service-kit';
import { testServiceFactory, type TestService } from '@platform/testing';

import { AppModule } from '../src/app.module.js';
import { readConfig } from '../src/config/config.js';
import type { UserServiceConfig } from '../src/config/env.schema.js';

/** A user-service instance running in the test process. */
export type UserServiceInstance = TestService<RunningService>;

/** Options for `TestServices.start` that run one user-service instance in the test process. */
export const userService = testServiceFactory(
  {
    createServiceApp,
    name: 'user-service',
    readConfig,
    module: (config: UserServiceConfig) => AppModule.forRoot(config),
  },
  (settings: { readonly shardUrl: string }) => ({ USER_SHARD_URLS: settings.shardUrl }),
);
