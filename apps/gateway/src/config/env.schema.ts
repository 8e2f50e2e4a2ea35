import { z } from 'zod';

import { STRATEGIES } from '@platform/balancing';
import { baseEnvSchema, intVar, nameVar, withDefaultPort } from '@platform/service-kit';

import { routePolicyOverridesSchema } from '../routing/route-policy.js';

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
  /** Default load-balancing strategy of every route (each route can change it at runtime). */
  UPSTREAM_STRATEGY: z
    .enum(STRATEGIES, { error: `must be one of: ${STRATEGIES.join(', ')}` })
    .default('peak-ewma'),
  /** Default deadline for a request upstream, all attempts together (response headers). */
  UPSTREAM_TIMEOUT_MS: intVar(100, 300_000).default(10_000),
  /** Default deadline for one attempt. */
  UPSTREAM_TRY_TIMEOUT_MS: intVar(50, 300_000).default(5_000),
  /** Instances tried per request at most, when retrying is safe. */
  UPSTREAM_MAX_ATTEMPTS: intVar(1, 10).default(3),
  /**
   * Per-route policy overrides as JSON, `{"<segment>": <partial policy>}`, e.g.
   * `{"users":{"upstream":{"strategy":"consistent-hash","hashHeader":"x-user-id"}}}`.
   */
  GATEWAY_ROUTE_POLICIES: z
    .string()
    .trim()
    .default('{}')
    .transform((value, context) => {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'must be a JSON object' });
        return z.NEVER;
      }
    })
    .pipe(routePolicyOverridesSchema),
  /** The compacted topic where releases (canary, blue-green, rolling) are kept, keyed by service. */
  RELEASES_TOPIC: nameVar(200).default('platform.releases'),
  /**
   * The request header naming the signed-in user, whose id keeps them on one side of a canary;
   * requests without it are made sticky by a cookie.
   */
  RELEASE_STICKY_HEADER: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9-]{1,64}$/, 'must be an HTTP header name')
    .default('x-user-id'),
  /** Requests per second each client (by IP) may send; 0 turns the limit off. */
  RATE_LIMIT_PER_SECOND: intVar(0, 1_000_000).default(1_000),
  /** Requests a quiet client may send at once. */
  RATE_LIMIT_BURST: intVar(1, 10_000_000).default(2_000),
  /** Requests in flight through the gateway at most; past it, 503. */
  GATEWAY_MAX_INFLIGHT: intVar(1, 1_000_000).default(4_096),
  /** Past this percentage of GATEWAY_MAX_INFLIGHT, non-essential routes are shed. */
  GATEWAY_SHED_NON_ESSENTIAL_PERCENT: intVar(1, 100).default(80),
});

export type GatewayConfig = z.infer<typeof envSchema>;
