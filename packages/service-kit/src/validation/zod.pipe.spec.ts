import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';

import { ValidationError } from '../errors/platform-error.js';
import { ZodPipe } from './zod.pipe.js';

const createOrder = z.object({
  email: z.email(),
  items: z.array(z.object({ sku: z.string().min(1), count: z.number().int().positive() })).min(1),
  note: z.string().optional(),
});

/** The error a pipe throws for `value`. */
function rejection(pipe: ZodPipe<z.ZodType>, value: unknown): ValidationError {
  try {
    pipe.transform(value);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('the pipe accepted an invalid value');
}

describe(ZodPipe.name, () => {
  it('passes a valid value through, converted by the schema', () => {
    const pipe = new ZodPipe(z.object({ count: z.coerce.number().int() }), 'query');
    expect(pipe.transform({ count: '5' })).toEqual({ count: 5 });
  });

  it('throws a ValidationError naming each offending field by its path', () => {
    const error = rejection(new ZodPipe(createOrder, 'body'), {
      email: 'not-an-email',
      items: [
        { sku: 'a', count: 1 },
        { sku: '', count: 0 },
      ],
    });

    expect(error.code).toBe('validation_failed');
    expect(error.kind).toBe('invalid');
    expect(error.details.map((problem) => problem.field)).toEqual(['email', 'items.1.sku', 'items.1.count']);
    expect(error.message).toMatch(/^invalid body: email .+; items\.1\.sku .+; items\.1\.count .+$/);
  });

  it('reports a wrong top-level value without a field name', () => {
    const error = rejection(new ZodPipe(createOrder), 'just a string');
    expect(error.details).toEqual([{ field: '', problem: expect.any(String) }]);
    expect(error.message).toMatch(/^invalid request: [^ ]/);
  });
});
