import { describe, expect, it } from '@jest/globals';
import fastify from 'fastify';

import { recordRoutes } from './registered-routes.js';

describe(recordRoutes.name, () => {
  it('lists every route registered after it, in plugins too, without the HEAD routes Fastify adds', async () => {
    const server = fastify();
    const routes = recordRoutes(server);
    server.get('/users/:id', () => ({}));
    server.head('/probe', () => '');
    await server.register((scope, _options, done) => {
      scope.route({ method: ['GET', 'POST'], url: '/api/*', handler: () => ({}) });
      done();
    });
    await server.ready();

    expect(routes()).toEqual([
      { method: 'GET', url: '/users/:id' },
      { method: 'HEAD', url: '/probe' },
      { method: 'GET', url: '/api/*' },
      { method: 'POST', url: '/api/*' },
    ]);
    await server.close();
  });
});
