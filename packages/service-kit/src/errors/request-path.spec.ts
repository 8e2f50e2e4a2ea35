import { describe, expect, it } from '@jest/globals';

import { pathAsSent } from './request-path.js';

describe(pathAsSent.name, () => {
  it('is the path without its query when no proxy removed a prefix', () => {
    expect(pathAsSent({ url: '/ids/snowflake?count=3', headers: {} })).toBe('/ids/snowflake');
  });

  it('puts back the prefix a proxy says it removed (the gateway: /api)', () => {
    const headers = { 'x-forwarded-prefix': '/api' };
    expect(pathAsSent({ url: '/ids/snowflake?count=3', headers })).toBe('/api/ids/snowflake');
    expect(pathAsSent({ url: '/x', headers: { 'x-forwarded-prefix': '/edge/v2' } })).toBe('/edge/v2/x');
  });

  it.each([
    ['api'],
    ['/api/'],
    ['/api?x=1'],
    ['/a b'],
    ['/"><script>'],
    [`/${'a'.repeat(65)}`],
    [['/a', '/b']],
  ])('ignores a prefix that is not path segments: %j', (prefix) => {
    expect(pathAsSent({ url: '/x', headers: { 'x-forwarded-prefix': prefix } })).toBe('/x');
  });
});
