import { z } from 'zod';

import { ZodPipe } from '../validation/zod.pipe.js';

/** Who made a change, for an audit log or a history: the `x-actor` header (a name or an email), else `admin`. */
export const actorSchema = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N} ._@+-]{1,100}$/u, 'must be 1-100 letters, digits, spaces or . _ @ + -')
  .optional()
  .transform((actor) => actor ?? 'admin');

export const ACTOR_HEADER = 'x-actor';

/** The actor named by the `x-actor` header (400 if it is malformed). */
export function actorOf(header: string | undefined): string {
  return new ZodPipe(actorSchema, `${ACTOR_HEADER} header`).transform(header);
}
