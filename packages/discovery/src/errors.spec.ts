import { describe, expect, it } from '@jest/globals';

import { isPlatformError, toErrorResponse } from '@platform/service-kit';

import { NoInstancesError, UpstreamTimeoutError, UpstreamUnreachableError } from './errors.js';

/** The parts of a request the mapping reads. */
const request = { id: 'req-1', method: 'GET', url: '/users/7' } as unknown as Parameters<
  typeof toErrorResponse
>[1];

describe('errors of a missing callee', () => {
  it.each([
    ['NoInstancesError', 503, 'no_instances', () => new NoInstancesError('ids')],
    [
      'UpstreamUnreachableError',
      502,
      'upstream_unreachable',
      () => new UpstreamUnreachableError('ids', 2, new Error('ECONNREFUSED')),
    ],
    [
      'UpstreamTimeoutError',
      504,
      'upstream_timeout',
      () => new UpstreamTimeoutError('ids', 1_500, new Error('UND_ERR_HEADERS_TIMEOUT')),
    ],
  ])(
    "%s answers %i with x-failure-origin: dependency, so this service's callers do not eject it",
    (_name, status, code, make) => {
      const error = make();
      expect(isPlatformError(error)).toBe(true);
      expect(error.origin).toBe('dependency');
      const response = toErrorResponse(error, request);
      expect(response).toMatchObject({ status, body: { error: { code } } });
      expect(response.headers['x-failure-origin']).toBe('dependency');
    },
  );
});
