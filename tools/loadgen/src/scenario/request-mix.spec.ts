import { describe, expect, it } from '@jest/globals';

import { RequestMix } from './request-mix.js';
import { parseScenario } from './scenario.js';

const scenario = parseScenario(
  JSON.stringify({
    requests: [
      { name: 'id', weight: 3, method: 'POST', path: '/api/ids/snowflake?count=1' },
      {
        name: 'flag',
        weight: 1,
        method: 'POST',
        path: '/api/flags/f/evaluate',
        headers: { 'x-seq': '{seq}' },
        body: { context: { userId: 'u-{randomInt:1:100}', tags: ['a', '{seq}'], n: 5 } },
      },
    ],
  }),
  'mix.json',
);

describe(RequestMix.name, () => {
  it('picks requests in proportion to their weights', () => {
    const mix = new RequestMix(scenario, 'http://127.0.0.1:8080');
    const counts = [0, 0];
    for (let seq = 0; seq < 20_000; seq++) counts[mix.next(seq).kind]!++;
    expect(counts[0]! / 20_000).toBeGreaterThan(0.72);
    expect(counts[0]! / 20_000).toBeLessThan(0.78);
  });

  it('fills placeholders in headers and JSON bodies, keeps other values, adds a JSON content type', () => {
    const mix = new RequestMix(scenario, 'http://127.0.0.1:8080/prefix/');
    let request = mix.next(41);
    while (request.kind !== 1) request = mix.next(41);
    expect(request.path).toBe('/prefix/api/flags/f/evaluate');
    expect(request.headers).toEqual({ 'x-seq': '41', 'content-type': 'application/json' });
    const body = JSON.parse(request.body!) as { context: { userId: string; tags: string[]; n: number } };
    expect(body.context.userId).toMatch(/^u-([1-9]\d?|100)$/);
    expect(body.context.tags).toEqual(['a', '41']);
    expect(body.context.n).toBe(5);
  });

  it('sends no body where the scenario has none', () => {
    const mix = new RequestMix(scenario, 'http://127.0.0.1:8080');
    let request = mix.next(1);
    while (request.kind !== 0) request = mix.next(1);
    expect(request).toMatchObject({
      method: 'POST',
      path: '/api/ids/snowflake?count=1',
      body: undefined,
      headers: {},
    });
  });
});
