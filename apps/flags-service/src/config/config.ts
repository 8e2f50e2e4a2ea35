import { loadConfig } from '@platform/service-kit';

import { envSchema, type FlagsServiceConfig } from './env.schema.js';

/** The only place flags-service reads its environment. */
export function readConfig(env: Record<string, string | undefined> = process.env): FlagsServiceConfig {
  return loadConfig(envSchema, env);
}

export const FLAGS_CONFIG = Symbol('FLAGS_CONFIG');
