import { loadConfig } from '@platform/service-kit';

import { envSchema, type IdServiceConfig } from './env.schema.js';

/** The only place id-service reads its environment. */
export function readConfig(env: Record<string, string | undefined> = process.env): IdServiceConfig {
  return loadConfig(envSchema, env);
}

export const ID_SERVICE_CONFIG = Symbol('ID_SERVICE_CONFIG');
