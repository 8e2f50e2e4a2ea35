import { describe, expect, it } from '@jest/globals';
import type { FastifyRequest } from 'fastify';

import { errorBodySchema } from './error-body.schema.js';
import { toErrorResponse } from './error-response.js';
import { ValidationError } from './platform-error.js';

const request = { id: 'req-1', method: 'GET', url: '/users/7', headers: {} } as unknown as FastifyRequest;

describe('errorBodySchema', () => {
  it('accepts what the error mapping answers, with and without details', () => {
    for (const error of [
      new ValidationError([{ field: 'email', problem: 'must be a valid email address' }], 'user'),
      new Error('boom'),
    ]) {
      expect(errorBodySchema.safeParse(toErrorResponse(error, request).body).success).toBe(true);
    }
  });

  it('refuses a body that is not the platform error body', () => {
    expect(errorBodySchema.safeParse({ message: 'not found' }).success).toBe(false);
    expect(errorBodySchema.safeParse({ error: { code: 'not_found' } }).success).toBe(false);
  });
});
