import { z } from 'zod';

const email = z
  .string({ error: 'is required and must be a string' })
  .trim()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email({ error: 'must be a valid email address' }));

const name = z
  .string({ error: 'is required and must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters');

export const createUserSchema = z
  .object(
    { email, name },
    // Only for a body that is not an object: an unknown field keeps its own message, naming it.
    {
      error: (issue) =>
        issue.code === 'invalid_type' ? 'the body must be a JSON object with email and name' : undefined,
    },
  )
  .strict();

export type CreateUserDto = z.output<typeof createUserSchema>;

/** `PATCH /users/{id}`: any of the fields a user has, at least one. */
export const updateUserSchema = z
  .object(
    { email: email.optional(), name: name.optional() },
    {
      error: (issue) =>
        issue.code === 'invalid_type' ? 'the body must be a JSON object with email and/or name' : undefined,
    },
  )
  .strict()
  .refine((body) => body.email !== undefined || body.name !== undefined, {
    message: 'the body must change email or name (or both)',
  });

export type UpdateUserDto = z.output<typeof updateUserSchema>;

const MAX_ID = 2n ** 63n - 1n;

/** A user id in a URL: a positive decimal integer that fits a signed 64-bit integer. */
export const userIdParamSchema = z
  .string()
  .regex(/^\d{1,19}$/, 'must be a decimal user id')
  .transform((value) => BigInt(value))
  .refine((id) => id > 0n && id <= MAX_ID, 'must be between 1 and 2^63-1');

/** A cursor: the last user id of the previous page. */
const cursorSchema = z
  .string()
  .regex(/^\d{1,19}$/, 'must be the nextCursor of a previous page')
  .transform((value) => BigInt(value))
  .refine((id) => id <= MAX_ID, 'must be the nextCursor of a previous page');

/** `GET /users?email=` finds one user; `GET /users?limit=&cursor=` lists them all, in pages. */
export const listUsersQuerySchema = z
  .object({
    email: email.optional(),
    limit: z
      .string()
      .regex(/^\d+$/, 'must be a whole number from 1 to 500')
      .transform(Number)
      .pipe(z.number().min(1, 'must be at least 1').max(500, 'must be at most 500'))
      .default(50),
    cursor: cursorSchema.optional(),
  })
  .strict()
  .refine((query) => query.email === undefined || query.cursor === undefined, {
    message: 'email finds one user; it cannot be combined with cursor',
  });

export type ListUsersQuery = z.output<typeof listUsersQuerySchema>;
