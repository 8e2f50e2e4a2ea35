import { describe, expect, it } from '@jest/globals';

import { between, seededRandom } from './seeded-random.js';

describe(between.name, () => {
  it('draws whole numbers from both ends of a range', () => {
    const random = seededRandom(1);
    const drawn = new Set(Array.from({ length: 500 }, () => between(random, 2, 5)));
    expect([...drawn].sort()).toEqual([2, 3, 4, 5]);
  });
});
