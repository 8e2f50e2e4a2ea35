import { z } from 'zod';

import type { Flag as FlagDefinition } from '@platform/flags';

import { KeyMismatchError } from '../flag.errors.js';

export const flagKeySchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,99}$/,
    'must be 1-100 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

/**
 * The short form of `PUT /flags/{key}`: `{enabled, description?}` switches a flag on or off (its
 * kill switch) and keeps the rest of its definition; a new flag made this way is a boolean flag
 * (`on`: true for everyone while enabled, `off`: false).
 */
export const switchFlagSchema = z
  .object(
    {
      enabled: z.boolean({ error: 'is required and must be true or false' }),
      description: z
        .string({ error: 'must be a string' })
        .trim()
        .max(500, 'must be at most 500 characters')
        .optional(),
    },
    {
      error: (issue) =>
        issue.code === 'invalid_type'
          ? 'the body must be a JSON object: a flag definition, or {enabled, description?}'
          : undefined,
    },
  )
  .strict();

export type SwitchFlagDto = z.output<typeof switchFlagSchema>;

/** Whether a body uses only the short form's fields (else it is a whole definition). */
export function isSwitchOnly(body: unknown): boolean {
  return (
    typeof body !== 'object' ||
    body === null ||
    Array.isArray(body) ||
    Object.keys(body).every((field) => field === 'enabled' || field === 'description')
  );
}

export function booleanFlag(key: string, change: SwitchFlagDto): FlagDefinition {
  return {
    key,
    ...(change.description === undefined ? {} : { description: change.description }),
    enabled: change.enabled,
    variants: { on: true, off: false },
    offVariant: 'off',
    defaultRule: { variant: 'on' },
  };
}

/** `POST /flags/{key}/evaluate {context}`: the attributes to evaluate with. */
export const evaluateSchema = z
  .object(
    {
      context: z.record(
        z.string(),
        z.union([z.string(), z.number(), z.boolean()], {
          error: 'each attribute must be a string, a number or true/false',
        }),
        { error: 'is required: an object of attributes, e.g. {"userId": "u-42"}' },
      ),
    },
    {
      error: (issue) =>
        issue.code === 'invalid_type' ? 'the body must be a JSON object with context' : undefined,
    },
  )
  .strict();

export type EvaluateDto = z.output<typeof evaluateSchema>;

/**
 * A definition body with the URL's key in it: refused if it names another key; anything but an
 * object is returned as it is, for the validator to say what is wrong with it.
 */
export function withUrlKey(what: 'flag' | 'segment', key: string, body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const given = (body as Record<string, unknown>)['key'];
  if (given !== undefined && given !== key) throw new KeyMismatchError(what, key, given);
  return { ...body, key };
}
