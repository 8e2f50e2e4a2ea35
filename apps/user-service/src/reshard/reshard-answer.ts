import { z } from 'zod';

import { MOVE_STATES } from './reshard.dto.js';
import type { ReshardJob } from './resharder.js';

/** A resharding job and each logical shard it moves, as `POST` and `GET /admin/reshard` show it. */
export const reshardJobAnswerSchema = z
  .object({
    id: z.string(),
    source: z.string(),
    target: z.string(),
    state: z.enum(['running', 'done', 'failed']),
    owner: z.string().nullable().describe('The instance running it.'),
    error: z.string().nullable(),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    counts: z.record(z.enum(MOVE_STATES), z.number().int()).describe('Logical shards in each state.'),
    moves: z.array(
      z.object({
        logicalShard: z.number().int(),
        state: z.enum(MOVE_STATES),
        copied: z.number().int(),
        caughtUp: z.number().int(),
        fencedAt: z.iso.datetime().nullable(),
        fenceMs: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: 'ReshardJob' }) satisfies z.ZodType<ReshardJob>;
