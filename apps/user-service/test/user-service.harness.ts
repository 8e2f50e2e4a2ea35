import { createServiceApp, type RunningService } from '@platform/service-kit';
import { testServiceFactory, type TestService } from '@platform/testing';

import { AppModule } from '../src/app.module.js';
import { readConfig } from '../src/config/config.js';
import type { UserServiceConfig } from '../src/config/env.schema.js';

/** A user-service instance running in the test process. */
export type UserServiceInstance = TestService<RunningService>;

/** Where a user-service keeps its data: a catalog, and shard databases (the first `initialShards` used at first). */
export interface UserServiceData {
  readonly catalogUrl: string;
  readonly shardUrls: readonly string[];
  readonly initialShards?: number;
  /** The shard map topic: one per test file, like the registry topic. */
  readonly shardMapTopic: string;
}

export function userServiceEnv(data: UserServiceData): Record<string, string> {
  return {
    USER_CATALOG_URL: data.catalogUrl,
    USER_SHARD_URLS: data.shardUrls.join(','),
    ...(data.initialShards === undefined ? {} : { USER_INITIAL_SHARDS: String(data.initialShards) }),
    SHARD_MAP_TOPIC: data.shardMapTopic,
    USER_IN_DOUBT_AFTER_MS: '1000',
  };
}

/** Options for `TestServices.start` that run one user-service instance in the test process. */
export const userService = testServiceFactory(
  {
    createServiceApp,
    name: 'user-service',
    readConfig,
    module: (config: UserServiceConfig) => AppModule.forRoot(config),
  },
  (settings: { readonly data: UserServiceData }) => userServiceEnv(settings.data),
);
