import { describe, expect, it } from '@jest/globals';

import {
  decodeSnowflake,
  DEFAULT_SNOWFLAKE_LAYOUT,
  encodeSnowflake,
  SNOWFLAKE_EPOCH_MS,
  validateSnowflakeLayout,
} from './snowflake.layout.js';

function randomInt(max: number): number {
  return Math.floor(Math.random() * (max + 1));
}

describe('Snowflake layout', () => {
  it('decodes what it encodes, for random parts across the whole range', () => {
    for (let i = 0; i < 10_000; i++) {
      const parts = {
        timestampMs: SNOWFLAKE_EPOCH_MS + randomInt(2 ** 41 - 1),
        datacenterId: randomInt(31),
        workerId: randomInt(31),
        sequence: randomInt(4095),
      };
      expect(decodeSnowflake(encodeSnowflake(parts))).toEqual(parts);
    }
  });

  it('puts the fields where the classic layout has them', () => {
    const id = encodeSnowflake({
      timestampMs: SNOWFLAKE_EPOCH_MS + 1,
      datacenterId: 1,
      workerId: 1,
      sequence: 1,
    });
    expect(id).toBe((1n << 22n) | (1n << 17n) | (1n << 12n) | 1n);
  });

  it('keeps the largest id positive in a signed 64-bit integer', () => {
    const max = encodeSnowflake({
      timestampMs: SNOWFLAKE_EPOCH_MS + 2 ** 41 - 1,
      datacenterId: 31,
      workerId: 31,
      sequence: 4095,
    });
    expect(max).toBe(2n ** 63n - 1n);
  });

  it('rejects parts that do not fit and layouts that are not 63 bits', () => {
    expect(() =>
      encodeSnowflake({ timestampMs: SNOWFLAKE_EPOCH_MS, datacenterId: 32, workerId: 0, sequence: 0 }),
    ).toThrow(/datacenterId 32 does not fit 5 bits/);
    expect(() => validateSnowflakeLayout({ ...DEFAULT_SNOWFLAKE_LAYOUT, timestampBits: 42 })).toThrow(
      /63 bits/,
    );
    expect(() => decodeSnowflake(-1n)).toThrow(RangeError);
  });
});
