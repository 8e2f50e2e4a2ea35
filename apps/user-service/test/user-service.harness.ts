import { createServiceApp, type RunningService } from '@platform/service-kit';
import type { TestService } from '@platform/testing';

import { AppModule } from '../src/app.module.js';
import { readConfig } from '../src/config/config.js';
import type { UserServiceConfig } from '../src/config/env.schema.js';

/** A user-service instance running in the test process. */
export type UserServiceInstance = TestService<RunningService>;

/** Options for `TestServices.start` that run one user-service instance in the test process. */
export function userService(options: {
  readonly registryTopic: string;
  readonly instanceId: string;
  readonly shardUrl: string;
  readonly env?: Readonly<Record<string, string>>;
}) {
  return {
    createServiceApp,
    name: 'user-service',
    readConfig,
    module: (config: UserServiceConfig) => AppModule.forRoot(config),
    registryTopic: options.registryTopic,
    instanceId: options.instanceId,
    env: { USER_SHARD_URLS: options.shardUrl, ...options.env },
  };
}
