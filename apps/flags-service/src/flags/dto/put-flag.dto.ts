import { z } from 'zod';

export const flagKeySchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,99}$/,
    'must be 1-100 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

export const putFlagSchema = z
  .object(
    {
      enabled: z.boolean({ error: 'is required and must be true or false' }),
      description: z
        .string({ error: 'must be a string' })
        .trim()
        .max(500, 'must be at most 500 characters')
        .optional(),
    },
    // Only for a body that is not an object: an unknown field keeps its own message, naming it.
    {
      error: (issue) =>
        issue.code === 'invalid_type'
          ? 'the body must be a JSON object with enabled (and optionally description)'
          : undefined,
    },
  )
  .strict();

export type PutFlagDto = z.output<typeof putFlagSchema>;
