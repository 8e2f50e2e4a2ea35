import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { documentedCaller, matchesDocument } from './documented-call.js';
import { fixtureDocument } from './fixture-document.js';

/** A server answering the fixture document's paths, one of them not as documented. */
const ANSWERS: Record<string, { status: number; body: unknown }> = {
  '/users/1': { status: 200, body: { id: '1', email: 'ada@example.com' } },
  '/users/2': { status: 200, body: { id: 2 } },
  '/orders/1': { status: 200, body: {} },
};

describe(documentedCaller.name, () => {
  let server: Server;
  let url = '';
  const call = documentedCaller(() => url, fixtureDocument);

  beforeAll(async () => {
    server = createServer((request, response) => {
      const answer = ANSWERS[request.url ?? ''] ?? { status: 404, body: { error: { code: 'not_found' } } };
      response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('returns the status and body of an answer that matches the document, with no problem', async () => {
    const answer = await call('/users/1');
    expect(answer).toMatchObject(matchesDocument(200, 'GET /users/1'));
    expect(answer.body).toEqual({ id: '1', email: 'ada@example.com' });
  });

  it('says how an answer differs from the document, so matchesDocument does not match it', async () => {
    const answer = await call('/users/2');
    expect(answer.problems['GET /users/2']).toEqual(expect.arrayContaining(['body/id must be string']));
    expect(answer).not.toMatchObject(matchesDocument(200, 'GET /users/2'));
  });

  it('calls a path the document does not have "not documented"', async () => {
    expect(await call('/orders/1')).toMatchObject({ problems: { 'GET /orders/1': ['not documented'] } });
  });
});
