import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

import { ValidationError } from '../errors/platform-error.js';

/**
 * Validates (and converts) a body, query or route parameter with a zod schema. A failure becomes a
 * {@link ValidationError} naming every offending field, which the filter answers with a 400. The
 * schema is public: the OpenAPI document describes each route's inputs from it (openapi/).
 */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    readonly schema: S,
    readonly where = 'request',
  ) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    throw new ValidationError(
      result.error.issues.map((issue) => ({
        field: issue.path.map(String).join('.'),
        problem: issue.message,
      })),
      this.where,
    );
  }
}
