import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';

import { buildOpenApiDocument, openApiPath, type RouteDescription } from './openapi-builder.js';

const ERROR = { $ref: '#/components/schemas/ErrorBody' };
const errorAnswer = (description: string) => ({
  description,
  content: { 'application/json': { schema: ERROR } },
});

const user = z.object({ id: z.string(), email: z.string() }).meta({ id: 'User' });
const userId = z.string().regex(/^\d+$/).transform(BigInt);

function route(overrides: Partial<RouteDescription> & Pick<RouteDescription, 'path'>): RouteDescription {
  return {
    method: 'get',
    operationId: `op${overrides.path}`,
    tag: 'users',
    status: 200,
    inputs: [],
    adminToken: false,
    doc: { answers: [] },
    ...overrides,
  };
}

const info = { title: 'user-service', version: '0.1.0' };

describe(buildOpenApiDocument.name, () => {
  it('documents path and query parameters and the body from the schemas that validate them', () => {
    const document = buildOpenApiDocument(info, [
      route({
        method: 'patch',
        path: '/users/:id',
        operationId: 'UsersController.update',
        inputs: [
          { in: 'path', name: 'id', schema: userId },
          { in: 'body', schema: z.object({ name: z.string() }).strict() },
          { in: 'header', name: 'x-actor' },
        ],
        doc: {
          summary: 'Rename a user',
          answers: [{ status: 200, schema: user, mediaType: 'application/json' }],
        },
      }),
      route({
        path: '/users',
        inputs: [
          {
            in: 'query',
            schema: z.object({
              limit: z.string().default('50'),
              email: z.string(),
              cursor: z.string().optional(),
            }),
          },
        ],
      }),
    ]);

    expect(document.paths['/users/{id}']?.patch).toEqual({
      operationId: 'UsersController.update',
      summary: 'Rename a user',
      tags: ['users'],
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d+$' } },
        { name: 'x-actor', in: 'header', required: false, schema: { type: 'string' } },
      ],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: { name: { type: 'string' } },
              required: ['name'],
              additionalProperties: false,
            },
          },
        },
      },
      responses: {
        '200': {
          description: 'OK',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/User' } } },
        },
        '400': errorAnswer('Invalid input: `details` names each field and its problem'),
        default: errorAnswer('An error, in the platform error body'),
      },
    });
    expect(document.paths['/users']?.get?.parameters).toEqual([
      { name: 'limit', in: 'query', required: false, schema: { type: 'string', default: '50' } },
      { name: 'email', in: 'query', required: true, schema: { type: 'string' } },
      { name: 'cursor', in: 'query', required: false, schema: { type: 'string' } },
    ]);
    expect(Object.keys(document.components.schemas).sort()).toEqual(['ErrorBody', 'User']);
  });

  it('asks for the admin token on guarded routes, and says what a missing one answers', () => {
    const document = buildOpenApiDocument(info, [route({ path: '/admin/shards', adminToken: true })]);
    const operation = document.paths['/admin/shards']?.get;
    expect(operation?.security).toEqual([{ adminToken: [] }]);
    expect(operation?.responses['401']).toEqual(errorAnswer('No admin token, or a wrong one'));
    expect(document.components.securitySchemes['adminToken']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });

  it('lists several answers, one without a body, other media types and named failures', () => {
    const document = buildOpenApiDocument(info, [
      route({
        method: 'put',
        path: '/flags/:key',
        doc: {
          answers: [
            { status: 201, schema: user, mediaType: 'application/json', description: 'created' },
            { status: 200, schema: user, mediaType: 'application/json' },
            {
              status: 409,
              description: 'the flag changed meanwhile',
              mediaType: 'application/json',
              error: true,
            },
          ],
        },
      }),
      route({ method: 'delete', path: '/flags/:key', status: 204 }),
      route({
        path: '/metrics',
        doc: { answers: [{ status: 200, schema: z.string(), mediaType: 'text/plain' }] },
      }),
    ]);
    const put = document.paths['/flags/{key}']?.put;
    expect(Object.keys(put?.responses ?? {})).toEqual(['200', '201', '409', 'default']);
    expect(put?.responses['201']?.description).toBe('created');
    expect(put?.responses['409']).toEqual(errorAnswer('the flag changed meanwhile'));
    expect(document.paths['/flags/{key}']?.delete?.responses['204']).toEqual({ description: 'No content' });
    expect(document.paths['/metrics']?.get?.responses['200']).toEqual({
      description: 'OK',
      content: { 'text/plain': { schema: { type: 'string' } } },
    });
  });

  it('gives a path parameter no schema validates a string schema', () => {
    const document = buildOpenApiDocument(info, [route({ path: '/ids/:kind/:id' })]);
    expect(document.paths['/ids/{kind}/{id}']?.get?.parameters?.map((p) => [p.name, p.schema])).toEqual([
      ['kind', { type: 'string' }],
      ['id', { type: 'string' }],
    ]);
  });

  it('orders paths, methods and tags, so the document reads the same every time', () => {
    const document = buildOpenApiDocument(info, [
      route({ method: 'delete', path: '/b', tag: 'z' }),
      route({ method: 'get', path: '/b', operationId: 'b.get', tag: 'z' }),
      route({ path: '/a', tag: 'a' }),
    ]);
    expect(Object.keys(document.paths)).toEqual(['/a', '/b']);
    expect(Object.keys(document.paths['/b'] ?? {})).toEqual(['get', 'delete']);
    expect(document.tags).toEqual([{ name: 'a' }, { name: 'z' }]);
  });

  it('refuses two routes on one method and path, and two schemas sharing a name', () => {
    expect(() => buildOpenApiDocument(info, [route({ path: '/a' }), route({ path: '/a' })])).toThrow(
      'two routes answer GET /a',
    );
    const other = z.object({ name: z.string() }).meta({ id: 'User' });
    expect(() =>
      buildOpenApiDocument(info, [
        route({
          path: '/a',
          doc: { answers: [{ status: 200, schema: user, mediaType: 'application/json' }] },
        }),
        route({
          path: '/b',
          doc: { answers: [{ status: 200, schema: other, mediaType: 'application/json' }] },
        }),
      ]),
    ).toThrow('two different schemas are named "User"');
  });
});

describe(openApiPath.name, () => {
  it('writes router parameters as OpenAPI templates', () => {
    expect(openApiPath('/flags/:key/audit')).toBe('/flags/{key}/audit');
    expect(openApiPath('/metrics')).toBe('/metrics');
  });
});
