import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fastify, { type FastifyInstance } from 'fastify';

import { allowedMethods } from './allowed-methods.js';

describe(allowedMethods.name, () => {
  let server: FastifyInstance;

  beforeAll(async () => {
    server = fastify();
    server.post('/ids/snowflake', () => ({}));
    server.get('/users/:id', () => ({}));
    server.delete('/users/:id', () => ({}));
    await server.ready();
  });

  afterAll(() => server.close());

  it('lists the methods of every route at a concrete path, parameters filled, query ignored', () => {
    expect(allowedMethods({ url: '/ids/snowflake?count=3', server })).toEqual(['POST']);
    expect(allowedMethods({ url: '/users/7', server })).toEqual(['GET', 'HEAD', 'DELETE']);
  });

  it('lists nothing for a path no route has', () => {
    expect(allowedMethods({ url: '/ids/snowflake/extra', server })).toEqual([]);
    expect(allowedMethods({ url: '/', server })).toEqual([]);
  });

  it('lists nothing without a server to ask', () => {
    expect(allowedMethods({ url: '/ids/snowflake' })).toEqual([]);
  });
});
