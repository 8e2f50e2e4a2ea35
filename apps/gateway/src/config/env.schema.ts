import { z } from 'zod';

import { baseEnvSchema, intVar, withDefaultPort } from '@platform/service-kit';

const routeEntry = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,62}=[a-z][a-z0-9-]{0,62}$/,
    'each entry must be segment=service, e.g. ids=id-service',
  );

export const envSchema = withDefaultPort(baseEnvSchema, 8080).extend({
  /**
   * Routes known before any instance announces itself, as `segment=service` pairs: `/api/<segment>/...`
   * goes to `<service>`. Services also announce their own segments in the registry.
   */
  GATEWAY_ROUTES: z
    .string()
    .trim()
    .default('ids=id-service,users=user-service,flags=flags-service')
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(routeEntry)),
  /** Time allowed for an upstream's response headers. */
  UPSTREAM_TIMEOUT_MS: intVar(100, 300_000).default(10_000),
  /** Instances tried per request at most, when retrying is safe. */
  UPSTREAM_MAX_ATTEMPTS: intVar(1, 10).default(3),
});

export type GatewayConfig = z.infer<typeof envSchema>;
