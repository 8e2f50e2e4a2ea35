import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from '@jest/globals';

import { ScenarioError } from '../loadgen.errors.js';
import { loadScenarioFile, parseScenario, singleRequestScenario } from './scenario.js';

const PLATFORM = fileURLToPath(new URL('../../scenarios/platform.json', import.meta.url));

const valid = {
  target: 'http://127.0.0.1:8080',
  headers: { 'x-load-test': 'loadgen' },
  requests: [
    { name: 'issue id', weight: 3, method: 'post', path: '/api/ids/snowflake?count=1' },
    {
      method: 'POST',
      path: '/api/users',
      headers: { 'x-load-test': 'users' },
      body: { email: 'load-{uuid}@example.com', name: 'Load {seq}' },
    },
  ],
};

/** The message parseScenario throws for `scenario` (as JSON text). */
function refusal(scenario: unknown): string {
  try {
    parseScenario(typeof scenario === 'string' ? scenario : JSON.stringify(scenario), 'mix.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message;
  }
  throw new Error('the scenario was accepted');
}

const withRequest = (request: Record<string, unknown>) => ({
  requests: [{ method: 'GET', path: '/', ...request }],
});

describe(parseScenario.name, () => {
  it('reads a weighted mix: defaults, upper-cased methods, scenario headers under the request’s own', () => {
    const scenario = parseScenario(JSON.stringify(valid), 'mix.json');
    expect(scenario.target).toBe('http://127.0.0.1:8080');
    expect(scenario.requests).toEqual([
      {
        name: 'issue id',
        weight: 3,
        method: 'POST',
        path: '/api/ids/snowflake?count=1',
        headers: { 'x-load-test': 'loadgen' },
      },
      {
        name: 'POST /api/users',
        weight: 1,
        method: 'POST',
        path: '/api/users',
        headers: { 'x-load-test': 'users' },
        body: { email: 'load-{uuid}@example.com', name: 'Load {seq}' },
      },
    ]);
  });

  it('reads the shipped platform scenario', () => {
    const scenario = loadScenarioFile(PLATFORM);
    expect(scenario.requests.map((r) => [r.name, r.method, r.path])).toEqual([
      ['create user', 'POST', '/api/users'],
      ['issue id', 'POST', '/api/ids/snowflake?count=1'],
      ['evaluate flag', 'POST', '/api/flags/new-checkout/evaluate'],
    ]);
    expect(fs.existsSync(PLATFORM)).toBe(true);
  });

  it.each([
    ['not JSON', '{"requests": [', /mix\.json: not valid JSON/],
    ['not an object', '[1, 2]', /\(top level\): must be a JSON object with "requests"/],
    ['no requests', {}, /requests: is required: a list of requests/],
    ['an empty list', { requests: [] }, /requests: must list at least one request/],
    [
      'a misspelt field',
      { requests: [{ method: 'GET', path: '/', wieght: 2 }] },
      /requests\[0\]: unknown field "wieght"/,
    ],
    [
      'an unknown method',
      withRequest({ method: 'FETCH' }),
      /requests\[0\]\.method: must be one of GET, HEAD, POST/,
    ],
    ['a path without /', withRequest({ path: 'api/users' }), /requests\[0\]\.path: must start with \//],
    ['no path', { requests: [{ method: 'GET' }] }, /requests\[0\]\.path: is required/],
    ['a zero weight', withRequest({ weight: 0 }), /requests\[0\]\.weight: must be greater than 0/],
    ['a weight as text', withRequest({ weight: '2' }), /requests\[0\]\.weight: must be a number/],
    [
      'a body on GET',
      withRequest({ body: { a: 1 } }),
      /requests\[0\]\.body: a GET request cannot have a body/,
    ],
    [
      'an unknown placeholder',
      withRequest({ path: '/users/{id}' }),
      /requests\[0\]\.path: unknown placeholder \{id\}/,
    ],
    [
      'a bad placeholder in the body',
      withRequest({ method: 'POST', body: { context: { userId: 'u-{randomInt:1}' } } }),
      /requests\[0\]\.body\.context\.userId: \{randomInt:1\} needs two whole numbers/,
    ],
    [
      'a header value that is not text',
      withRequest({ headers: { 'x-n': 1 } }),
      /requests\[0\]\.headers\.x-n: must be a string/,
    ],
    [
      'a bad header name',
      withRequest({ headers: { 'x n': 'a' } }),
      /requests\[0\]\.headers\.x n: is not a valid header name/,
    ],
    [
      'a header the client sets',
      withRequest({ headers: { Host: 'a' } }),
      /headers\.Host: is set by the HTTP client itself/,
    ],
    [
      'two requests with one name',
      {
        requests: [
          { name: 'a', method: 'GET', path: '/' },
          { name: 'a', method: 'GET', path: '/x' },
        ],
      },
      /requests\[1\]\.name: "a" is used by another request/,
    ],
    [
      'a target that is not a URL',
      { ...withRequest({}), target: 'localhost:8080' },
      /target must be an http:\/\/ or https:\/\/ URL/,
    ],
    [
      'a target with a query',
      { ...withRequest({}), target: 'http://h:1/?a=1' },
      /target must be a base URL without query/,
    ],
  ])('refuses %s, naming the field', (_case, scenario, message) => {
    expect(refusal(scenario)).toMatch(message);
  });

  it('says which file it could not read', () => {
    expect(() => loadScenarioFile('/nonexistent/mix.json')).toThrow(
      /cannot read scenario file \/nonexistent\/mix\.json/,
    );
  });
});

describe(singleRequestScenario.name, () => {
  it('keeps placeholders of the URL unescaped and splits off the target', () => {
    const scenario = singleRequestScenario({
      url: 'http://127.0.0.1:8080/api/users/{seq}?q={randomInt:1:9}',
      method: 'get',
      headers: {},
    });
    expect(scenario.target).toBe('http://127.0.0.1:8080');
    expect(scenario.requests[0]).toMatchObject({ method: 'GET', path: '/api/users/{seq}?q={randomInt:1:9}' });
  });

  it('refuses a URL that is not http', () => {
    expect(() => singleRequestScenario({ url: 'ftp://x/', method: 'GET', headers: {} })).toThrow(
      /--url must be an http:\/\/ or https:\/\/ URL/,
    );
  });
});
