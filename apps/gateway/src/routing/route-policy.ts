import { z } from 'zod';

import { type BreakerSettings, DEFAULT_BREAKER_SETTINGS, validateBreakerSettings } from '@platform/breakers';
import { DEFAULT_UPSTREAM_POLICY, upstreamPolicySchema, type UpstreamPolicy } from '@platform/discovery';

/** What a non-essential route answers, at once, when its breaker is open or the gateway sheds it. */
export const fallbackSchema = z
  .object({
    status: z
      .number()
      .int()
      .min(200, 'must be an HTTP status (200-599)')
      .max(599, 'must be an HTTP status (200-599)'),
    body: z.unknown(),
  })
  .strict();

/** Breaker settings, checked by the breakers package's own rules (one message per bad field). */
const breakerSettings = z.custom<BreakerSettings>().superRefine((value, context) => {
  const result = validateBreakerSettings(value);
  if (!result.ok) {
    for (const problem of result.problems) {
      context.addIssue({
        code: 'custom',
        message: problem.problem,
        path: problem.field ? [problem.field] : [],
      });
    }
  }
});

/**
 * How the gateway treats one route (`/api/<segment>/...`). Changed at runtime with
 * `PUT /admin/routes/<segment>`, validated as a whole after merging the change.
 */
export const routePolicySchema = z
  .object({
    /** Essential routes keep their capacity; non-essential ones are shed first and fail fast. */
    essential: z.boolean({ error: 'must be true or false' }),
    fallback: fallbackSchema.optional(),
    upstream: upstreamPolicySchema,
    /** One breaker for the whole route (every instance together). */
    breaker: breakerSettings,
    /** One breaker per instance of the route's service. */
    instanceBreaker: breakerSettings,
  })
  .strict();

export type RoutePolicy = z.output<typeof routePolicySchema>;

/** Overrides of the built-in defaults, per segment (GATEWAY_ROUTE_POLICIES). */
export const routePolicyOverridesSchema = z.record(
  z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'route segments are lower-case letters, digits and -'),
  z.record(z.string(), z.unknown()),
);

export function defaultRoutePolicy(upstream: Partial<UpstreamPolicy> = {}): RoutePolicy {
  return {
    essential: true,
    upstream: { ...DEFAULT_UPSTREAM_POLICY, ...upstream },
    breaker: {
      ...DEFAULT_BREAKER_SETTINGS,
      // The route breaker watches the whole service: more volume before judging, no own timeout
      // (the upstream policy's deadlines apply), and a few probes when half-open.
      volumeThreshold: 20,
      resetTimeoutMs: 5_000,
      callTimeoutMs: 0,
      halfOpenMaxProbes: 3,
    },
    instanceBreaker: { ...DEFAULT_BREAKER_SETTINGS, resetTimeoutMs: 5_000, callTimeoutMs: 0 },
  };
}

/** Built-in per-route choices: flags are non-essential (a service can run on flag defaults). */
export const BUILT_IN_ROUTE_OVERRIDES: Readonly<Record<string, Partial<RoutePolicy>>> = {
  flags: { essential: false },
};
