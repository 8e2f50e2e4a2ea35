import { z } from 'zod';

import { routePolicySchema } from '../routing/route-policy.js';
import type { InstanceView, RegistryListing, RouteView, UpstreamInstanceView } from './admin.controller.js';

/*
 * What the gateway's admin API answers, as schemas for its OpenAPI document; each is checked
 * against the type the controller answers with (`satisfies`).
 */

const instanceViewSchema = z.object({
  instanceId: z.string(),
  address: z.string().describe('host:port'),
  version: z.string(),
  track: z.string(),
  zone: z.string(),
  status: z.string(),
  lastHeartbeat: z.iso.datetime(),
  heartbeatAgeMs: z.number(),
  ttlMs: z.number(),
  metadata: z.record(z.string(), z.string()),
}) satisfies z.ZodType<InstanceView>;

/** `GET /admin/registry`. */
export const registryListingSchema = z.object({
  caughtUp: z.boolean().describe('The view has read the registry topic up to its end at least once.'),
  selfPreservation: z.boolean().describe('Expiry is paused: too many instances went silent at once.'),
  services: z.record(z.string(), z.array(instanceViewSchema)),
}) satisfies z.ZodType<RegistryListing>;

/** One `/api/<segment>` route as `GET|PUT /admin/routes` show it. */
export const routeViewSchema = z
  .object({
    segment: z.string(),
    service: z.string(),
    source: z.enum(['config', 'registry']).describe('GATEWAY_ROUTES, or announced by the service.'),
    breaker: z.string().describe("The route's breaker: closed, open or half-open."),
    policy: routePolicySchema,
  })
  .meta({ id: 'RouteView' }) satisfies z.ZodType<RouteView>;

const upstreamInstanceSchema = z.object({
  instanceId: z.string(),
  address: z.string(),
  zone: z.string(),
  weight: z.number(),
  inflight: z.number(),
  latencyEwmaMs: z.number(),
  peakEwmaMs: z.number(),
  errorRate: z.number(),
  requests: z.number(),
  breaker: z.string(),
  ejected: z.object({ until: z.iso.datetime(), count: z.number() }).nullable(),
  healthy: z.boolean(),
  probeProblem: z.string().optional(),
}) satisfies z.ZodType<UpstreamInstanceView>;

/** `GET /admin/upstreams`. */
export const upstreamsSchema = z.object({
  zone: z.string(),
  services: z.record(
    z.string(),
    z.object({
      retryBudgetRemaining: z.number().nullable(),
      instances: z.array(upstreamInstanceSchema),
    }),
  ),
});
