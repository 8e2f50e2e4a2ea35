import { z } from 'zod';

import type { ErrorBody } from './error-response.js';

/**
 * {@link ErrorBody} as a schema: the body of every error answer on the platform, which the OpenAPI
 * documents give each route's 4xx and 5xx answers (named `ErrorBody` there).
 */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z
        .string()
        .describe('Stable and machine-readable: `validation_failed`, `not_found`, `no_instances`…'),
      message: z.string().describe('For people: what went wrong and, where it helps, what to do about it.'),
      details: z
        .unknown()
        .optional()
        .describe('Structured details, e.g. one `{field, problem}` per invalid field.'),
    }),
    requestId: z
      .string()
      .optional()
      .describe('The request id (`x-request-id`), to find the request in the logs.'),
  })
  .meta({ id: 'ErrorBody', description: "The platform's error body." });

// The schema and the interface describe the same body: a change to one that the other lacks fails here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const matchesErrorBody: Same<z.output<typeof errorBodySchema>, ErrorBody> = true;
void matchesErrorBody;
