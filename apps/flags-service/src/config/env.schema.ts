import type { z } from 'zod';

import { baseEnvSchema, postgresUrlVar, withDefaultPort } from '@platform/service-kit';

export const envSchema = withDefaultPort(baseEnvSchema, 3300).extend({
  DATABASE_URL: postgresUrlVar(),
});

export type FlagsServiceConfig = z.infer<typeof envSchema>;
