import { z } from 'zod';

export const createUserSchema = z
  .object(
    {
      email: z
        .string({ error: 'is required and must be a string' })
        .trim()
        .max(254, 'must be at most 254 characters')
        .pipe(z.email({ error: 'must be a valid email address' })),
      name: z
        .string({ error: 'is required and must be a string' })
        .trim()
        .min(1, 'must not be empty')
        .max(200, 'must be at most 200 characters'),
    },
    // Only for a body that is not an object: an unknown field keeps its own message, naming it.
    {
      error: (issue) =>
        issue.code === 'invalid_type' ? 'the body must be a JSON object with email and name' : undefined,
    },
  )
  .strict();

export type CreateUserDto = z.output<typeof createUserSchema>;

const MAX_ID = 2n ** 63n - 1n;

/** A user id in a URL: a positive decimal integer that fits a signed 64-bit integer. */
export const userIdParamSchema = z
  .string()
  .regex(/^\d{1,19}$/, 'must be a decimal user id')
  .transform((value) => BigInt(value))
  .refine((id) => id > 0n && id <= MAX_ID, 'must be between 1 and 2^63-1');
