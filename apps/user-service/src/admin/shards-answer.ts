import { z } from 'zod';

import type { ShardsJson } from './shards-admin.controller.js';

/** What `GET /admin/shards` answers (see {@link ShardsJson}). */
export const shardsAnswerSchema = z.object({
  mapVersion: z.number().int(),
  logicalShards: z.number().int(),
  shards: z.array(
    z.object({
      name: z.string(),
      logicalShards: z.number().int().describe('Logical shards the map places here.'),
      users: z.number().int().nullable().describe('Users it holds; null when it cannot be reached.'),
      breaker: z.enum(['closed', 'open', 'half-open']),
      error: z.string().optional(),
    }),
  ),
  spares: z
    .array(z.string())
    .describe('Shard databases holding nothing yet: where resharding can move users.'),
}) satisfies z.ZodType<ShardsJson>;
