import { z } from 'zod';

/** `POST /admin/reshard`: split `source` (default: the shard holding most) onto `target`. */
export const reshardRequestSchema = z
  .object(
    {
      target: z.string({ error: 'is required: the shard database to move users to, e.g. users_4' }).min(1),
      source: z.string().min(1).optional(),
      /** Move only the first N of the logical shards doubling would move (default: all of them). */
      limit: z.number().int('must be a whole number').min(1, 'must be at least 1').optional(),
    },
    {
      error: (issue) =>
        issue.code === 'invalid_type'
          ? 'the body must be a JSON object with target (and source, limit)'
          : undefined,
    },
  )
  .strict();

export type ReshardRequest = z.output<typeof reshardRequestSchema>;

export const reshardJobIdSchema = z
  .string()
  .regex(/^rs-[a-z0-9-]{1,40}$/, 'must be a reshard job id like rs-…');

/** The states a logical shard goes through while it moves, in order. */
export const MOVE_STATES = ['stable', 'copying', 'catching-up', 'cutover', 'done'] as const;
export type MoveState = (typeof MOVE_STATES)[number];
