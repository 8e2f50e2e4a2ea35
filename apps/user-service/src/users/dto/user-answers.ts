import { z } from 'zod';

import type { UserJson } from '../user.js';
import type { UserListJson } from '../users.controller.js';

/** A user as the API shows it: the 64-bit id as a decimal string (it exceeds 2^53). */
export const userAnswerSchema = z
  .object({
    id: z.string().regex(/^\d+$/),
    email: z.string(),
    name: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'User' }) satisfies z.ZodType<UserJson>;

/** `GET /users`: one page of users, or the one with `?email=`. */
export const userListAnswerSchema = z
  .object({
    users: z.array(userAnswerSchema),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
  })
  .meta({ id: 'UserList' }) satisfies z.ZodType<UserListJson>;
