import { z } from 'zod';

/** The id kinds this service issues. More layouts join this list as they are added. */
export const ID_KINDS = ['snowflake'] as const;
export type IdKind = (typeof ID_KINDS)[number];

export const MAX_IDS_PER_REQUEST = 10_000;

export const kindParamSchema = z.enum(ID_KINDS, {
  error: (issue) => `unknown id kind ${JSON.stringify(issue.input)}; use one of: ${ID_KINDS.join(', ')}`,
});

export const issueQuerySchema = z
  .object({
    count: z
      .string()
      .regex(/^\d+$/, `must be a whole number from 1 to ${MAX_IDS_PER_REQUEST}`)
      .transform(Number)
      .pipe(
        z
          .number()
          .min(1, 'must be at least 1')
          .max(MAX_IDS_PER_REQUEST, `must be at most ${MAX_IDS_PER_REQUEST}`),
      )
      .default(1),
  })
  .strict();
