import type { z } from 'zod';

import { baseEnvSchema, nameVar, postgresUrlVar, withDefaultPort } from '@platform/service-kit';

export const envSchema = withDefaultPort(baseEnvSchema, 3300).extend({
  DATABASE_URL: postgresUrlVar(),
  /** The compacted topic every change is published on, for the SDK in every service. */
  FLAGS_TOPIC: nameVar(200).default('platform.flags'),
});

export type FlagsServiceConfig = z.infer<typeof envSchema>;
