import { describe, expect, it } from '@jest/globals';

import { eligible } from './eligible.js';

describe(eligible.name, () => {
  const endpoints = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

  it('drops the excluded endpoints and keeps the order of the rest', () => {
    expect(eligible(endpoints, new Set(['b'])).map((e) => e.id)).toEqual(['a', 'c']);
  });

  it('returns the list itself when nothing is excluded', () => {
    expect(eligible(endpoints)).toBe(endpoints);
    expect(eligible(endpoints, new Set())).toBe(endpoints);
  });
});
