import { describe, expect, it } from '@jest/globals';

import { DocumentedAnswers } from './documented-answers.js';
import { fixtureDocument } from './fixture-document.js';

const JSON_TYPE = 'application/json; charset=utf-8';

describe(DocumentedAnswers.name, () => {
  const answers = new DocumentedAnswers(fixtureDocument());

  it('passes an answer that matches its documented schema, named components and formats included', () => {
    expect(
      answers.check({
        method: 'GET',
        path: '/users/42?expand=all',
        status: 200,
        contentType: JSON_TYPE,
        body: JSON.stringify({ id: '42', email: 'ada@example.com' }),
      }),
    ).toEqual({ operation: 'GET /users/{id}', problems: [] });
  });

  it('says how an answer differs from its schema', () => {
    const check = answers.check({
      method: 'GET',
      path: '/users/42',
      status: 200,
      contentType: JSON_TYPE,
      body: JSON.stringify({ id: 42, email: 'not an address', extra: true }),
    });
    expect(check?.problems).toEqual(
      expect.arrayContaining(['body/id must be string', 'body/email must match format "email"']),
    );
    expect(check?.problems.some((problem) => problem.includes('additional properties'))).toBe(true);
  });

  it('prefers a literal path to a template, and checks errors against the default answer', () => {
    expect(
      answers.check({ method: 'GET', path: '/users/me', status: 200, contentType: JSON_TYPE, body: '{}' }),
    ).toEqual({ operation: 'GET /users/me', problems: [] });
    expect(
      answers.check({
        method: 'GET',
        path: '/users/7',
        status: 404,
        contentType: JSON_TYPE,
        body: '{"nope":1}',
      })?.problems,
    ).toEqual(["body must have required property 'error'"]);
  });

  it('checks bodies that are not JSON by media type, and no body where none is documented', () => {
    expect(
      answers.check({ method: 'GET', path: '/metrics', status: 200, contentType: 'text/plain', body: 'up 1' })
        ?.problems,
    ).toEqual([]);
    expect(
      answers.check({ method: 'GET', path: '/metrics', status: 200, contentType: JSON_TYPE, body: '{}' })
        ?.problems,
    ).toEqual(['answered application/json; documented: text/plain']);
    expect(answers.check({ method: 'DELETE', path: '/users/7', status: 204, body: '' })?.problems).toEqual(
      [],
    );
    expect(answers.check({ method: 'DELETE', path: '/users/7', status: 200, body: '{}' })?.problems).toEqual([
      'DELETE /users/{id} does not document status 200',
    ]);
  });

  it('tells an undocumented method from an unknown path', () => {
    expect(answers.check({ method: 'PUT', path: '/users/7', status: 200, body: '' })?.problems).toEqual([
      'PUT /users/{id} is not documented',
    ]);
    expect(answers.check({ method: 'GET', path: '/no/such/path', status: 404, body: '' })).toBeUndefined();
  });
});
