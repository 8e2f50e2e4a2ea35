import { loadConfig } from '@platform/service-kit';

import { envSchema, type GatewayConfig } from './env.schema.js';

/** The only place the gateway reads its environment. */
export function readConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return loadConfig(envSchema, env);
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
