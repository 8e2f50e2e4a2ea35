import { z } from 'zod';

import { flagAnswerSchema, segmentAnswerSchema } from './flag-definition.schema.js';

export const flagListAnswerSchema = z.object({ flags: z.array(flagAnswerSchema) });

export const segmentListAnswerSchema = z.object({ segments: z.array(segmentAnswerSchema) });

/** What `POST /flags/{key}/evaluate` answers: what the flag serves the context, and why. */
export const evaluationAnswerSchema = z
  .object({
    key: z.string(),
    version: z.number().int(),
    value: z.unknown().describe("The served variant's value."),
    variant: z.string(),
    reason: z.enum(['disabled', 'rule_match', 'default', 'missing_bucket_key', 'error']),
    ruleIndex: z.number().int().optional().describe('The index in `rules` of the rule that decided.'),
    ruleId: z.string().optional(),
    bucket: z.number().int().optional().describe("The context's bucket (0-9,999) when a rollout chose."),
    error: z.string().optional().describe('For reason `error`: what is wrong with the definition.'),
  })
  .meta({ id: 'Evaluation' });

/** What `GET /flags/{key}/audit` answers: every change, who made it, before and after. */
export const auditAnswerSchema = z.object({
  key: z.string(),
  entries: z.array(
    z.object({
      version: z.number().int(),
      action: z.enum(['create', 'update', 'delete']),
      actor: z.string(),
      at: z.iso.datetime(),
      before: z.unknown(),
      after: z.unknown(),
    }),
  ),
});
