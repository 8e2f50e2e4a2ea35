import { describe, expect, it } from '@jest/globals';

import { fixtureDocument } from './fixture-document.js';
import { operationsWithoutAnswers, undocumentedRoutes } from './route-coverage.js';

describe(undocumentedRoutes.name, () => {
  it('names the routes the document lacks, but not those it is told to leave out', () => {
    const routes = [
      { method: 'GET', url: '/users/:id' },
      { method: 'DELETE', url: '/users/:id' },
      { method: 'PATCH', url: '/users/:id' },
      { method: 'GET', url: '/health/live' },
      { method: 'GET', url: '/api/*' },
    ];
    expect(undocumentedRoutes(routes, fixtureDocument(), ['/api/*'])).toEqual([
      'PATCH /users/:id',
      'GET /health/live',
    ]);
  });
});

describe(operationsWithoutAnswers.name, () => {
  it('names operations with no success body documented, a 204 being no body by design', () => {
    const document = fixtureDocument();
    expect(operationsWithoutAnswers(document)).toEqual([]);
    document.paths['/users/me'].get.responses = { '200': { description: 'OK' } } as never;
    expect(operationsWithoutAnswers(document)).toEqual(['GET /users/me']);
  });
});
