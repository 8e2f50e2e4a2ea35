import { describe, expect, it } from '@jest/globals';

import { edgePathProblem } from './edge-path.js';

describe(edgePathProblem.name, () => {
  it.each([
    ['/api/ids/../metrics'],
    ['/api/ids/./metrics'],
    ['/api/ids/%2e%2e/metrics'],
    ['/api/ids/%2E%2e/metrics'],
    ['/api/ids/%2E%2E/metrics'],
    ['/api/ids/.%2e/metrics'],
    ['/api/ids/%2e./metrics'],
    ['/api/ids/%2e/metrics'],
    ['/api/ids/%252e%252e/metrics'],
    ['/api/ids/%252E%252e/metrics'],
    ['/api/ids/.%252e/metrics'],
    ['/api/flags/%2e%2e/segments'],
    ['/api/users/%2e%2e/admin/shards'],
    ['/api/users/7/%2e%2e'],
    ['/api/users/%2e%2e?expand=orders'],
  ])('refuses the dot-segment in %s', (url) => {
    expect(edgePathProblem(url)).toBe('dot_segment');
  });

  it.each([
    ['/api/ids/..%2fmetrics'],
    ['/api/ids/..%2Fmetrics'],
    ['/api/ids/%2e%2e%2fmetrics'],
    ['/api/ids/..%252fmetrics'],
    ['/api/ids/..%5cmetrics'],
    ['/api/ids/..%5Cmetrics'],
    ['/api/ids/%5c'],
    ['/api/users/a%2fb'],
    ['/api/users/a%255cb'],
  ])('refuses the encoded separator in %s', (url) => {
    expect(edgePathProblem(url)).toBe('encoded_separator');
  });

  it.each([['/api/ids/..\\metrics'], ['/api/ids\\..\\metrics'], ['/api/users/a\\b']])(
    'refuses the backslash in %s',
    (url) => {
      expect(edgePathProblem(url)).toBe('backslash');
    },
  );

  it.each([
    ['/api/ids/%00'],
    ['/api/ids/a%00.json'],
    ['/api/ids/%2500'],
    ['/api/ids/a%0d%0ab'],
    ['/api/ids/%7f'],
  ])('refuses the control character in %s', (url) => {
    expect(edgePathProblem(url)).toBe('control_character');
  });

  it.each([['/api/ids/%c0%ae'], ['/api/ids/%u002e'], ['/api/ids/%zz'], ['/api/ids/%']])(
    'refuses the percent-encoding that does not decode in %s',
    (url) => {
      expect(edgePathProblem(url)).toBe('malformed_encoding');
    },
  );

  it.each([
    ['/api/ids/snowflake'],
    ['/api/ids/snowflake?count=2'],
    ['/api/users/a.b'],
    ['/api/users/...'],
    ['/api/users/.env'],
    ['/api/users/v1..2'],
    ['/api/users/100%25'],
    ['/api/users/caf%C3%A9'],
    ['/api/users/a%2eb'],
    ['/api/search?q=../../etc/passwd'],
    ['/api/search?path=%2e%2e%2f%5c'],
    ['/api/flags/'],
    ['/api/flags'],
  ])('lets the ordinary path %s through', (url) => {
    expect(edgePathProblem(url)).toBeUndefined();
  });
});
