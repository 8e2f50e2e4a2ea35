import { z } from 'zod';

import { INSTAGRAM_MAX_SHARD } from '@platform/ids';

/** The id kinds this service issues and decodes. */
export const ID_KINDS = ['snowflake', 'instagram', 'objectid', 'ulid', 'uuidv7'] as const;
export type IdKind = (typeof ID_KINDS)[number];

export const MAX_IDS_PER_REQUEST = 10_000;

export const kindParamSchema = z.enum(ID_KINDS, {
  error: (issue) => `unknown id kind ${JSON.stringify(issue.input)}; use one of: ${ID_KINDS.join(', ')}`,
});

const wholeNumber = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .describe(name);

export const issueQuerySchema = z
  .object({
    count: wholeNumber('count', 1, MAX_IDS_PER_REQUEST).default(1),
    /** Instagram-style ids only: the logical shard the ids belong to. */
    shard: wholeNumber('shard', 0, INSTAGRAM_MAX_SHARD).optional(),
  })
  .strict();

export type IssueQuery = z.output<typeof issueQuerySchema>;
