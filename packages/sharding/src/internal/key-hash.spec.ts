import { describe, expect, it } from '@jest/globals';

import { stableHash32 } from '@platform/hashing';

import { hashKey } from './key-hash.js';

describe(hashKey.name, () => {
  it('hashes a string as it is and a bigint as its decimal digits', () => {
    expect(hashKey('ada@example.com')).toBe(stableHash32('ada@example.com'));
    expect(hashKey(12_345_678_901_234_567n)).toBe(hashKey('12345678901234567'));
    expect(hashKey(12_345_678_901_234_567n)).toBe(1_229_769_797);
  });
});
