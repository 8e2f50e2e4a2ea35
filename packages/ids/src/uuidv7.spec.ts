import { describe, expect, it } from '@jest/globals';
import { validate, version } from 'uuid';

import { scriptedClock, seededBytes } from './testing/fake-clock.js';
import { decodeUuidV7, encodeUuidV7, UuidV7Generator } from './uuidv7.js';

describe(UuidV7Generator.name, () => {
  it('makes version 7, RFC 9562 variant UUIDs that the uuid library accepts', () => {
    const generator = new UuidV7Generator();
    const before = Date.now();
    for (let i = 0; i < 1000; i++) {
      const id = generator.next();
      expect(validate(id)).toBe(true);
      expect(version(id)).toBe(7);
      const parts = decodeUuidV7(id);
      expect(parts).toMatchObject({ version: 7, variant: '10' });
      expect(parts.timestampMs).toBeGreaterThanOrEqual(before);
    }
  });

  it('sorts in the order it was made, using a 12-bit counter within a millisecond', () => {
    const generator = new UuidV7Generator({
      clock: scriptedClock(new Array<number>(4097).fill(1_700_000_000_000)),
    });
    const ids = Array.from({ length: 4097 }, () => generator.next());
    expect([...ids].sort()).toEqual(ids);
    expect(decodeUuidV7(ids[4095]!)).toMatchObject({ timestampMs: 1_700_000_000_000, counter: 4095 });
    expect(decodeUuidV7(ids[4096]!)).toMatchObject({ timestampMs: 1_700_000_000_001, counter: 0 });
  });

  it('decodes what it encodes, for random parts across the whole range', () => {
    const random = seededBytes(3);
    for (let i = 0; i < 1000; i++) {
      const randomBits = random(8);
      randomBits[0] = randomBits[0]! & 0x3f;
      const parts = {
        timestampMs: random(6).readUIntBE(0, 6),
        counter: random(2).readUInt16BE(0) & 0xfff,
        random: randomBits.toString('hex'),
      };
      const id = encodeUuidV7(parts);
      expect(validate(id)).toBe(true);
      expect(decodeUuidV7(id)).toEqual({ ...parts, version: 7, variant: '10' });
    }
  });

  it('refuses to decode what is not a version 7 UUID', () => {
    expect(() => decodeUuidV7('123e4567-e89b-42d3-a456-426614174000')).toThrow(
      /not a version 7 UUID \(version 4\)/,
    );
    expect(() => decodeUuidV7('nope')).toThrow(/8-4-4-4-12/);
  });
});
