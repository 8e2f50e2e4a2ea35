import { describe, expect, it } from '@jest/globals';

import { countsAgainstUpstream, FAILURE_ORIGIN_HEADER, isDependencyFailure } from './failure-origin.js';

describe('failure origin', () => {
  it('a 5xx without an origin counts against the instance that sent it', () => {
    expect(countsAgainstUpstream({ statusCode: 503, headers: {} })).toBe(true);
    expect(countsAgainstUpstream({ statusCode: 500, headers: { [FAILURE_ORIGIN_HEADER]: 'self' } })).toBe(
      true,
    );
  });

  it('a 5xx naming a dependency does not: another instance shares it', () => {
    expect(
      countsAgainstUpstream({ statusCode: 503, headers: { [FAILURE_ORIGIN_HEADER]: 'dependency' } }),
    ).toBe(false);
    expect(isDependencyFailure({ [FAILURE_ORIGIN_HEADER]: ['dependency', 'x'] })).toBe(true);
  });

  it('a success or a 4xx never counts, whatever it says', () => {
    expect(countsAgainstUpstream({ statusCode: 200, headers: {} })).toBe(false);
    expect(countsAgainstUpstream({ statusCode: 404, headers: {} })).toBe(false);
  });
});
