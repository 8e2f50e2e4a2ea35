import type { z } from 'zod';

import { baseEnvSchema, intVar, postgresUrlVar, withDefaultPort } from '@platform/service-kit';

export const envSchema = withDefaultPort(baseEnvSchema, 3100).extend({
  /** The coordinator database holding worker-id leases. */
  DATABASE_URL: postgresUrlVar(),
  /** Which of the 32 datacenters this instance is in; worker ids are leased within it. */
  DATACENTER_ID: intVar(0, 31).default(0),
  /** A worker-id lease lasts this long unless renewed (renewed every third of it). */
  WORKER_LEASE_TTL_MS: intVar(3_000, 300_000).default(15_000),
  /** A backward clock step up to this is waited out; larger ones are refused with 503. */
  MAX_CLOCK_BACKWARD_MS: intVar(0, 1_000).default(5),
});

export type IdServiceConfig = z.infer<typeof envSchema>;
