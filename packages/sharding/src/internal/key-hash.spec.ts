import { describe, expect, it } from '@jest/globals';

import { hashKey } from './key-hash.js';

describe(hashKey.name, () => {
  it('gives the same values in every version, so keys never move because the code changed', () => {
    expect(hashKey('ada@example.com')).toBe(4_037_819_389);
    expect(hashKey('é')).toBe(2_387_039_943); // UTF-8 bytes c3 a9, not the UTF-16 code unit
    expect(hashKey(12_345_678_901_234_567n)).toBe(1_229_769_797);
  });

  it('hashes a bigint as its decimal digits', () => {
    expect(hashKey(12_345_678_901_234_567n)).toBe(hashKey('12345678901234567'));
  });
});
