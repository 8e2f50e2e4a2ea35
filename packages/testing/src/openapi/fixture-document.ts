/** A small, valid OpenAPI 3.1 document for the helpers' tests. */
export function fixtureDocument() {
  const errorBody = { $ref: '#/components/schemas/ErrorBody' };
  const json = (schema: Record<string, unknown>) => ({ 'application/json': { schema } });
  return {
    openapi: '3.1.0',
    info: { title: 'users', version: '0.1.0' },
    paths: {
      '/users/{id}': {
        get: {
          operationId: 'users.get',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'OK', content: json({ $ref: '#/components/schemas/User' }) },
            default: { description: 'An error', content: json(errorBody) },
          },
        },
        delete: {
          operationId: 'users.delete',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '204': { description: 'No content' } },
        },
      },
      '/users/me': {
        get: {
          operationId: 'users.me',
          responses: { '200': { description: 'OK', content: json({ type: 'object' }) } },
        },
      },
      '/metrics': {
        get: {
          operationId: 'metrics',
          responses: {
            '200': { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } },
          },
        },
      },
    },
    components: {
      schemas: {
        User: {
          type: 'object',
          properties: { id: { type: 'string' }, email: { type: 'string', format: 'email' } },
          required: ['id', 'email'],
          additionalProperties: false,
        },
        ErrorBody: {
          type: 'object',
          properties: { error: { type: 'object' } },
          required: ['error'],
        },
      },
    },
  };
}
