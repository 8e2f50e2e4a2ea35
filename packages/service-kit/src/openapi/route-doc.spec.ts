import 'reflect-metadata';

import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';

import { Accepts, Answers, Fails, routeDocOf, Summary } from './route-doc.js';

const user = z.object({ id: z.string() });
const definition = z.object({ enabled: z.boolean() });

/** The handler `name` of {@link Documented}, where the decorators left their metadata. */
const handler = (name: 'put' | 'metrics' | 'undocumented'): object =>
  Object.getOwnPropertyDescriptor(Documented.prototype, name)!.value as object;

class Documented {
  @Summary('Replace a flag', 'Creates it if it is new.')
  @Answers(201, user, { description: 'created' })
  @Answers(200, user)
  @Fails(409, 'the flag changed meanwhile')
  @Accepts(definition, 'a whole definition')
  put(): void {}

  @Answers(200, z.string(), { mediaType: 'text/plain' })
  metrics(): void {}

  undocumented(): void {}
}

describe(routeDocOf.name, () => {
  it('gathers what the decorators on a handler say, each answer once', () => {
    const doc = routeDocOf(handler('put'));
    expect(doc.summary).toBe('Replace a flag');
    expect(doc.description).toBe('Creates it if it is new.');
    expect(doc.accepts).toEqual({ schema: definition, description: 'a whole definition' });
    expect(doc.answers.map((answer) => answer.status).sort()).toEqual([200, 201, 409]);
    expect(doc.answers.find((answer) => answer.status === 201)).toMatchObject({
      schema: user,
      description: 'created',
      mediaType: 'application/json',
    });
    expect(doc.answers.find((answer) => answer.status === 409)).toMatchObject({ error: true });
  });

  it('keeps a media type other than JSON', () => {
    expect(routeDocOf(handler('metrics')).answers).toEqual([
      expect.objectContaining({ status: 200, mediaType: 'text/plain' }),
    ]);
  });

  it('finds no answers on a handler nothing documented', () => {
    expect(routeDocOf(handler('undocumented'))).toEqual({ answers: [] });
  });
});
