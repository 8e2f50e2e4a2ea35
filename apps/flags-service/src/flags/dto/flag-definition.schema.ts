import { z } from 'zod';

import { OPERATORS } from '@platform/flags';

/*
 * Flag and segment definitions as schemas, for the OpenAPI document. `validateFlag` and
 * `validateSegment` of @platform/flags stay the judges of a definition (limits, references, RE2
 * patterns, weights summing to 100); these say its shape, so the document shows what to send.
 */

const conditionValue = z.union([z.string(), z.number(), z.boolean()]);

const attributeCondition = z.object({
  attribute: z.string(),
  operator: z.enum(OPERATORS),
  values: z.array(conditionValue).min(1),
});

const condition = z.union([
  attributeCondition,
  z.object({ segment: z.string().describe('The context belongs to this segment.') }),
  z.object({ notSegment: z.string().describe('The context does not belong to this segment.') }),
]);

const serve = z.union([
  z.object({ variant: z.string() }),
  z.object({
    rollout: z.array(z.object({ variant: z.string(), weight: z.number().min(0).max(100) })).min(1),
    bucketBy: z
      .string()
      .optional()
      .describe('The context attribute that places a context (default `userId`).'),
  }),
]);

const rule = z.object({
  id: z.string().optional(),
  description: z.string().optional(),
  conditions: z.array(condition),
  serve,
});

/** A flag's definition: what `PUT /flags/{key}` takes (the key comes from the URL). */
export const flagDefinitionSchema = z
  .object({
    key: z.string().optional().describe('The URL names it; if given here too, the same key.'),
    description: z.string().optional(),
    enabled: z.boolean().describe('The kill switch: false serves `offVariant` to everyone.'),
    variants: z.record(z.string(), z.unknown()).describe('The values the flag can serve, by variant name.'),
    offVariant: z.string(),
    defaultRule: serve.describe('Serves every context no rule matches.'),
    rules: z.array(rule).optional().describe('In order: the first rule whose conditions all hold serves.'),
  })
  .meta({ id: 'FlagDefinition' });

/** A segment's definition: what `PUT /segments/{key}` takes. */
export const segmentDefinitionSchema = z
  .object({
    key: z.string().optional().describe('The URL names it; if given here too, the same key.'),
    description: z.string().optional(),
    includedUserIds: z.array(z.string()).optional(),
    excludedUserIds: z.array(z.string()).optional(),
    conditions: z.array(attributeCondition).optional(),
  })
  .meta({ id: 'SegmentDefinition' });

const stored = {
  key: z.string(),
  version: z.number().int().describe('Grows with every change.'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
};

/** A stored flag: its definition's fields, then its version and times. */
export const flagAnswerSchema = flagDefinitionSchema.extend(stored).meta({ id: 'Flag' });

/** A stored segment: its definition's fields, then its version and times. */
export const segmentAnswerSchema = segmentDefinitionSchema.extend(stored).meta({ id: 'Segment' });
