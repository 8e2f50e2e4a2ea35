import { describe, expect, it } from '@jest/globals';

import type { JsonSchema, OpenApiDocument, Operation } from '@platform/service-kit';

import { mergeDocuments, UNREACHABLE_EXTENSION, type ServiceApi } from './merge-documents.js';

const errorRef = { $ref: '#/components/schemas/ErrorBody' };
const errorBody = { type: 'object', properties: { error: { type: 'object' } } };

function operation(operationId: string, tag: string, answer: JsonSchema): Operation {
  return {
    operationId,
    tags: [tag],
    responses: {
      '200': { description: 'OK', content: { 'application/json': { schema: answer } } },
      default: { description: 'An error', content: { 'application/json': { schema: errorRef } } },
    },
  };
}

function document(paths: OpenApiDocument['paths'], schemas: Record<string, JsonSchema>): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: { title: 'x', version: '1.2.3' },
    paths,
    components: {
      schemas: { ErrorBody: errorBody, ...schemas },
      securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } },
    },
  };
}

const gateway: ServiceApi = {
  service: 'gateway',
  segments: [],
  document: document({ '/admin/routes': { get: operation('AdminController.routes', 'admin', {}) } }, {}),
};
const users: ServiceApi = {
  service: 'user-service',
  segments: ['users'],
  document: document(
    {
      '/users/{id}': {
        get: operation('UsersController.get', 'users', { $ref: '#/components/schemas/User' }),
      },
      '/admin/shards': { get: operation('ShardsAdminController.list', 'shards-admin', {}) },
      '/health/ready': { get: operation('HealthController.ready', 'health', {}) },
    },
    { User: { type: 'object', properties: { id: { type: 'string' } } } },
  ),
};
const flags: ServiceApi = {
  service: 'flags-service',
  segments: ['flags'],
  document: document(
    {
      '/flags/{key}': {
        get: operation('FlagsController.get', 'flags', { $ref: '#/components/schemas/User' }),
      },
      '/health/ready': { get: operation('HealthController.ready', 'health', {}) },
    },
    { User: { type: 'object', properties: { name: { type: 'string' } } } },
  ),
};

describe(mergeDocuments.name, () => {
  const merged = mergeDocuments(gateway, [users, flags]);

  it("lists the gateway's own routes as they are, and each service's at the path a client calls", () => {
    expect(Object.keys(merged.paths)).toEqual([
      '/admin/routes',
      '/admin/services/flags-service/health/ready',
      '/admin/services/user-service/admin/shards',
      '/admin/services/user-service/health/ready',
      '/api/flags/{key}',
      '/api/users/{id}',
    ]);
  });

  it('prefixes operation ids and tags with their service, so two services’ HealthController.ready stay apart', () => {
    const ids = Object.values(merged.paths).flatMap((item) =>
      Object.values(item).map((op) => op.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(merged.paths['/api/users/{id}']!.get).toMatchObject({
      operationId: 'user-service.UsersController.get',
      tags: ['user-service: users'],
    });
    expect(merged.paths['/admin/routes']!.get!.operationId).toBe('gateway.AdminController.routes');
    expect(merged.tags!.map((tag) => tag.name)).toContain('flags-service: health');
  });

  it('asks for the admin token on routes only /admin/services reaches, and documents its 401', () => {
    const shards = merged.paths['/admin/services/user-service/admin/shards']!.get!;
    expect(shards.security).toEqual([{ adminToken: [] }]);
    expect(shards.responses['401']!.content).toEqual({ 'application/json': { schema: errorRef } });
    expect(merged.paths['/api/users/{id}']!.get!.security).toBeUndefined();
  });

  it('keeps a shared schema once and renames one a later service means differently, with its $refs', () => {
    const answer = (path: string) =>
      merged.paths[path]!.get!.responses['200']!.content!['application/json']!.schema;
    expect(merged.components.schemas['ErrorBody']).toEqual(errorBody);
    expect(merged.components.schemas['User']).toEqual(flags.document.components.schemas['User']);
    expect(merged.components.schemas['user-service.User']).toEqual(users.document.components.schemas['User']);
    expect(answer('/api/flags/{key}')).toEqual({ $ref: '#/components/schemas/User' });
    expect(answer('/api/users/{id}')).toEqual({ $ref: '#/components/schemas/user-service.User' });
  });

  it('names the services it could not reach, in an extension and in the description', () => {
    expect(merged[UNREACHABLE_EXTENSION]).toBeUndefined();
    const partial = mergeDocuments(
      gateway,
      [users],
      [{ service: 'flags-service', problem: 'no live instance' }],
    );
    expect(partial[UNREACHABLE_EXTENSION]).toEqual([
      { service: 'flags-service', problem: 'no live instance' },
    ]);
    expect(partial.info.description).toContain('flags-service (no live instance)');
  });
});
