import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';

import { toJsonSchema } from './json-schema.js';

describe(toJsonSchema.name, () => {
  it('describes what a client sends before transforms, with defaulted fields optional', () => {
    const query = z
      .object({
        count: z.string().regex(/^\d+$/).transform(Number).default(1),
        shard: z.string().optional(),
        email: z.string(),
      })
      .strict();
    expect(toJsonSchema(query, 'input')).toEqual({
      schema: {
        type: 'object',
        properties: {
          count: { type: 'string', pattern: '^\\d+$' },
          shard: { type: 'string' },
          email: { type: 'string' },
        },
        required: ['email'],
        additionalProperties: false,
      },
      named: {},
    });
  });

  it('describes an answer as closed, so a field the schema lacks is noticed', () => {
    const { schema } = toJsonSchema(z.object({ id: z.string() }), 'output');
    expect(schema).toMatchObject({ required: ['id'], additionalProperties: false });
    expect(schema).not.toHaveProperty('$schema');
  });

  it('leaves what JSON Schema cannot say open instead of failing', () => {
    expect(toJsonSchema(z.bigint(), 'output').schema).toEqual({});
  });

  it('turns a named schema into a reference to the document components', () => {
    const user = z.object({ id: z.string() }).meta({ id: 'User' });
    expect(toJsonSchema(z.object({ users: z.array(user) }), 'output')).toEqual({
      schema: {
        type: 'object',
        properties: { users: { type: 'array', items: { $ref: '#/components/schemas/User' } } },
        required: ['users'],
        additionalProperties: false,
      },
      named: {
        User: {
          type: 'object',
          properties: { id: { type: 'string' } },
          required: ['id'],
          additionalProperties: false,
        },
      },
    });
  });

  it('refuses an unnamed recursive schema, saying how to name it', () => {
    const tree: z.ZodType = z.lazy(() => z.array(tree));
    expect(() => toJsonSchema(tree, 'output')).toThrow(/\.meta\(\{ id/);
  });
});
