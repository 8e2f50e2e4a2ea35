import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { ADMIN_TOKEN, requestFrom, startEdgeService, type EdgeService } from './support/edge-service.js';

interface ErrorJson {
  readonly error: { readonly code: string; readonly message: string };
}

describe('what a service answers to a body or a method it does not take', () => {
  let edge: EdgeService;

  const send = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    requestFrom('127.0.0.1', edge.port, { method, path, headers, body });
  const errorOf = (body: string) => (JSON.parse(body) as ErrorJson).error;
  const note = JSON.stringify({ text: 'hello' });

  beforeAll(async () => {
    edge = await startEdgeService();
  });

  afterAll(async () => {
    await edge?.service.shutdown('test over');
  });

  it('answers a JSON body sent as a form (what curl -d sends) 415, naming the header to send', async () => {
    const form = await send(
      'POST',
      '/edge/upload',
      { 'content-type': 'application/x-www-form-urlencoded' },
      note,
    );
    const json = await send('POST', '/edge/upload', { 'content-type': 'application/json' }, note);

    expect(form.status).toBe(415);
    expect(form.headers['content-type']).toMatch(/^application\/json/);
    expect(errorOf(form.body)).toEqual({
      code: 'unsupported_media_type',
      message:
        'the request body is application/x-www-form-urlencoded; send it as JSON with the header content-type: application/json',
    });
    expect(json.status).toBe(201);
  });

  it('answers 415 to a body with no content-type, or another one', async () => {
    const none = await send('POST', '/edge/upload', {}, note);
    const text = await send('POST', '/edge/upload', { 'content-type': 'text/plain; charset=utf-8' }, note);
    const malformed = await send('POST', '/edge/upload', { 'content-type': 'json please' }, note);

    expect([none.status, text.status, malformed.status]).toEqual([415, 415, 415]);
    expect(errorOf(none.body).message).toBe(
      'the request body has no content-type; send it as JSON with the header content-type: application/json',
    );
    expect(errorOf(text.body).message).toMatch(/^the request body is text\/plain; send it as JSON/);
    expect(errorOf(malformed.body)).toMatchObject({
      code: 'unsupported_media_type',
      message: expect.stringContaining('content-type: application/json'),
    });
  });

  it('lets an empty body through whatever its content-type, to a route that reads none', async () => {
    const response = await send('POST', '/edge/admin', {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      'content-type': 'application/x-www-form-urlencoded',
    });

    expect(response.status).toBe(201);
    expect(JSON.parse(response.body)).toEqual({ done: true });
  });

  it('answers a method a path does not take 405, with Allow listing the methods it does', async () => {
    const get = await send('GET', '/edge/upload?size=1');
    // The method is the thing to fix first: the body (a form, here) is not even read.
    const post = await send(
      'POST',
      '/edge/whoami',
      { 'content-type': 'application/x-www-form-urlencoded' },
      note,
    );

    expect(get.status).toBe(405);
    expect(get.headers['allow']).toBe('POST');
    expect(errorOf(get.body)).toEqual({
      code: 'method_not_allowed',
      message: 'GET is not allowed on /edge/upload; it takes POST',
    });
    expect(post.status).toBe(405);
    expect(post.headers['allow']).toBe('GET, HEAD');
  });

  it('keeps 404 for a path no route has', async () => {
    const response = await send('DELETE', '/edge/nothing-here', { 'content-type': 'text/plain' }, 'x');

    expect(response.status).toBe(404);
    expect(response.headers['allow']).toBeUndefined();
    expect(errorOf(response.body)).toEqual({
      code: 'not_found',
      message: 'no route for DELETE /edge/nothing-here',
    });
  });

  it('names the path the client sent when a proxy says what prefix it removed', async () => {
    const prefix = { 'x-forwarded-prefix': '/api' };
    const wrongMethod = await send('GET', '/edge/upload', prefix);
    const noRoute = await send('GET', '/edge/nothing-here', prefix);
    const odd = await send('GET', '/edge/nothing-here', { 'x-forwarded-prefix': '/api"><script>' });

    expect(errorOf(wrongMethod.body).message).toBe('GET is not allowed on /api/edge/upload; it takes POST');
    expect(errorOf(noRoute.body).message).toBe('no route for GET /api/edge/nothing-here');
    // Anything but path segments is ignored rather than repeated to the client.
    expect(errorOf(odd.body).message).toBe('no route for GET /edge/nothing-here');
  });
});
