import { describe, expect, it } from '@jest/globals';

import { fixtureDocument } from './fixture-document.js';
import { openApiProblems } from './openapi-problems.js';

describe(openApiProblems.name, () => {
  it('finds nothing wrong with a valid document', async () => {
    expect(await openApiProblems(fixtureDocument())).toEqual([]);
  });

  it('reports what breaks the OpenAPI schema', async () => {
    const document = fixtureDocument() as Record<string, unknown>;
    delete document['info'];
    expect((await openApiProblems(document)).length).toBeGreaterThan(0);
  });

  it('reports a dangling $ref, a repeated operation id and an undeclared path parameter', async () => {
    const document = fixtureDocument();
    document.paths['/users/{id}'].get.responses['200'].content['application/json'].schema = {
      $ref: '#/components/schemas/Nobody',
    };
    document.paths['/users/{id}'].delete.operationId = 'users.get';
    document.paths['/users/{id}'].delete.parameters = [];
    expect(await openApiProblems(document)).toEqual([
      "Can't resolve #/components/schemas/Nobody",
      'operationId users.get is used twice',
      'DELETE /users/{id} does not declare {id}',
    ]);
  });
});
