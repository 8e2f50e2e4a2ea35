import { BadRequestException, ForbiddenException, NotFoundException } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fastify, { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';

import { NotJsonBodyError } from '../bootstrap/json-bodies.js';
import { toErrorResponse } from './error-response.js';
import { UnauthenticatedError, ValidationError, type ErrorKind } from './platform-error.js';

/** The parts of a request the mapping reads. */
const request = {
  id: 'req-1',
  method: 'GET',
  url: '/users/7?expand=orders',
  headers: {},
} as unknown as FastifyRequest;

/** An error of the platform's shape from a framework-free package (it extends nothing of ours). */
class ShardOfflineError extends Error {
  readonly code = 'shard_offline';
  readonly kind: ErrorKind = 'unavailable';
  readonly retryAfterSeconds = 2;
  constructor() {
    super('shard 3 is being moved; try again shortly');
  }
}

function platformError(kind: string): Error {
  return Object.assign(new Error(`a ${kind} problem`), { code: `some_${kind}`, kind });
}

describe(toErrorResponse.name, () => {
  it('answers a platform-shaped error by its kind, with its code, message and Retry-After', () => {
    expect(toErrorResponse(new ShardOfflineError(), request)).toEqual({
      status: 503,
      headers: { 'retry-after': '2' },
      body: {
        error: { code: 'shard_offline', message: 'shard 3 is being moved; try again shortly' },
        requestId: 'req-1',
      },
    });
  });

  it.each([
    ['invalid', 400],
    ['not_found', 404],
    ['conflict', 409],
    ['too_large', 413],
    ['bad_gateway', 502],
    ['unavailable', 503],
    ['timeout', 504],
    ['internal', 500],
  ])('maps kind %s to status %i', (kind, status) => {
    const response = toErrorResponse(platformError(kind), request);
    expect(response.status).toBe(status);
    expect(response.body.error).toEqual({ code: `some_${kind}`, message: `a ${kind} problem` });
  });

  it('names a dependency as the origin of a 5xx, so the gateway does not hold it against this instance', () => {
    const down = Object.assign(platformError('unavailable'), { origin: 'dependency' });
    expect(toErrorResponse(down, request).headers).toEqual({ 'x-failure-origin': 'dependency' });
    // A 4xx is the request's fault whatever the error says.
    const invalid = Object.assign(platformError('invalid'), { origin: 'dependency' });
    expect(toErrorResponse(invalid, request).headers).toEqual({});
  });

  it('lists the invalid fields of a ValidationError in details', () => {
    const error = new ValidationError([{ field: 'email', problem: 'is not an email' }], 'body');
    expect(toErrorResponse(error, request)).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          message: 'invalid body: email is not an email',
          details: [{ field: 'email', problem: 'is not an email' }],
        },
      },
    });
  });

  it('asks for a bearer token on 401', () => {
    const response = toErrorResponse(new UnauthenticatedError('the admin token is wrong'), request);
    expect(response.status).toBe(401);
    expect(response.headers).toEqual({ 'www-authenticate': 'Bearer' });
    expect(response.body.error.code).toBe('unauthenticated');
  });

  it('turns a 404 HttpException into "no route for METHOD path", without the query', () => {
    expect(toErrorResponse(new NotFoundException('Cannot GET /users/7'), request).body).toEqual({
      error: { code: 'not_found', message: 'no route for GET /users/7' },
      requestId: 'req-1',
    });
  });

  describe('at a path whose routes take other methods', () => {
    let server: FastifyInstance;

    beforeAll(async () => {
      server = fastify();
      server.post('/ids/snowflake', () => ({}));
      await server.ready();
    });

    afterAll(() => server.close());

    it('answers 405 with Allow, naming the path as the client sent it through a proxy', () => {
      const wrongMethod = {
        id: 'req-2',
        method: 'GET',
        url: '/ids/snowflake?count=3',
        headers: { 'x-forwarded-prefix': '/api' },
        server,
      } as unknown as FastifyRequest;

      expect(toErrorResponse(new NotFoundException(), wrongMethod)).toEqual({
        status: 405,
        headers: { allow: 'POST' },
        body: {
          error: {
            code: 'method_not_allowed',
            message: 'GET is not allowed on /api/ids/snowflake; it takes POST',
          },
          requestId: 'req-2',
        },
      });
    });
  });

  it('keeps the message of other HttpExceptions under a code for their status', () => {
    expect(toErrorResponse(new BadRequestException('count must be positive'), request)).toMatchObject({
      status: 400,
      body: { error: { code: 'bad_request', message: 'count must be positive' } },
    });
    expect(toErrorResponse(new ForbiddenException(), request)).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden', message: 'Forbidden' } },
    });
  });

  it("answers Fastify's own request errors with their 4xx status", () => {
    expect(toErrorResponse(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), request)).toMatchObject({
      status: 413,
      body: { error: { code: 'payload_too_large', message: 'Request body is too large' } },
    });
    expect(toErrorResponse(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(), request)).toMatchObject({
      status: 415,
      body: {
        error: {
          code: 'unsupported_media_type',
          message: expect.stringContaining('send the body as JSON with content-type: application/json'),
        },
      },
    });
  });

  it('answers a body that is not JSON with a 415 saying what to send', () => {
    expect(toErrorResponse(new NotJsonBodyError('text/csv'), request)).toMatchObject({
      status: 415,
      body: {
        error: {
          code: 'unsupported_media_type',
          message:
            'the request body is text/csv; send it as JSON with the header content-type: application/json',
        },
      },
    });
  });

  it('answers a URL Fastify cannot decode with 400 invalid_path, without echoing it', () => {
    const response = toErrorResponse(new errorCodes.FST_ERR_BAD_URL('/api/ids/%c0%ae'), request);
    expect(response).toEqual({
      status: 400,
      headers: {},
      body: {
        error: {
          code: 'invalid_path',
          message: 'the request path contains percent-encoding that does not decode',
        },
        requestId: 'req-1',
      },
    });
  });

  it('answers anything else with a 500 that keeps the details out of the response', () => {
    const leaks = [
      new Error('password authentication failed for user "app" at 10.0.0.5'),
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { statusCode: 500 }),
      Object.assign(new Error('unknown kind'), { code: 'x', kind: 'teapot' }),
      'a thrown string with 10.0.0.5',
      undefined,
    ];
    for (const exception of leaks) {
      const response = toErrorResponse(exception, request);
      expect(response).toEqual({
        status: 500,
        headers: {},
        body: {
          error: {
            code: 'internal_error',
            message: 'internal error; the service log has the details under request id req-1',
          },
          requestId: 'req-1',
        },
      });
    }
  });
});
