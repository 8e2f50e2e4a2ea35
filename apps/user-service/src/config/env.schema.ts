import { z } from 'zod';

import { baseEnvSchema, postgresUrlVar, withDefaultPort } from '@platform/service-kit';

export const envSchema = withDefaultPort(baseEnvSchema, 3200).extend({
  /**
   * The shard databases, comma-separated. This version routes every user to one shard; the
   * variable is a list so more can be added when the sharded router arrives.
   */
  USER_SHARD_URLS: z
    .string()
    .trim()
    .transform((value) =>
      value
        .split(',')
        .map((url) => url.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(postgresUrlVar())
        .min(1, 'must list at least one postgres:// URL')
        .max(1, 'lists more than one shard, but this version routes to exactly one'),
    ),
});

export type UserServiceConfig = z.infer<typeof envSchema>;
