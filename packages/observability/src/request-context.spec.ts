import { describe, expect, it } from '@jest/globals';

import {
  acceptOrCreateRequestId,
  createRequestContext,
  currentRequestContext,
  runWithRequestContext,
} from './request-context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe(acceptOrCreateRequestId.name, () => {
  it("keeps a caller's well-formed id, so one id follows a request across services", () => {
    expect(acceptOrCreateRequestId('gw-1f3a.9:x_y-z')).toBe('gw-1f3a.9:x_y-z');
    expect(acceptOrCreateRequestId('a'.repeat(128))).toBe('a'.repeat(128));
  });

  it('takes the first value when the header was sent twice', () => {
    expect(acceptOrCreateRequestId(['first-id', 'second-id'])).toBe('first-id');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['with spaces', 'two words'],
    ['with a line break (log injection)', 'abc\ninjected'],
    ['with markup', '<script>'],
    ['non-ASCII', 'réquest'],
    ['huge', 'a'.repeat(129)],
    ['an empty list', []],
  ])('replaces an id that is %s with a fresh UUID', (_, incoming) => {
    const id = acceptOrCreateRequestId(incoming);
    expect(id).toMatch(UUID);
  });

  it('creates a different id each time', () => {
    expect(acceptOrCreateRequestId(undefined)).not.toBe(acceptOrCreateRequestId(undefined));
  });
});

describe(runWithRequestContext.name, () => {
  it('makes the context current inside the callback and everything it awaits, and not outside', async () => {
    expect(currentRequestContext()).toBeUndefined();
    const seen = await runWithRequestContext(createRequestContext('r-1'), async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return currentRequestContext()?.requestId;
    });
    expect(seen).toBe('r-1');
    expect(currentRequestContext()).toBeUndefined();
  });

  it('keeps concurrent requests apart', async () => {
    const ids = await Promise.all(
      ['a', 'b', 'c'].map((requestId, index) =>
        runWithRequestContext(createRequestContext(requestId), async () => {
          await new Promise((resolve) => setTimeout(resolve, 10 - index * 3));
          return currentRequestContext()?.requestId;
        }),
      ),
    );
    expect(ids).toEqual(['a', 'b', 'c']);
  });
});

describe(createRequestContext.name, () => {
  it("continues the trace of the request's traceparent and tracestate in a new span", () => {
    const context = createRequestContext('r-1', {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'congo=t61rcWkgMzE',
    });
    expect(context).toEqual({
      requestId: 'r-1',
      trace: expect.objectContaining({
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        parentSpanId: '00f067aa0ba902b7',
        tracestate: 'congo=t61rcWkgMzE',
      }),
    });
  });

  it('starts a trace for a request without one', () => {
    const context = createRequestContext('r-2', { 'x-request-id': 'r-2' });
    expect(context.trace.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(context.trace.parentSpanId).toBeUndefined();
  });
});
