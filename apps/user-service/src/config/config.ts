import { loadConfig } from '@platform/service-kit';

import { envSchema, type UserServiceConfig } from './env.schema.js';

/** The only place user-service reads its environment. */
export function readConfig(env: Record<string, string | undefined> = process.env): UserServiceConfig {
  return loadConfig(envSchema, env);
}

export const USER_SERVICE_CONFIG = Symbol('USER_SERVICE_CONFIG');
