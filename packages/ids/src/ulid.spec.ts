import { describe, expect, it } from '@jest/globals';
import { decodeTime, isValid } from 'ulid';

import { ClockMovedBackwardsError } from './errors.js';
import { scriptedClock, seededBytes } from './testing/fake-clock.js';
import { decodeUlid, encodeUlid, UlidGenerator } from './ulid.js';

describe(UlidGenerator.name, () => {
  it('makes ULIDs the ulid library accepts and reads the same time from', () => {
    const generator = new UlidGenerator();
    const before = Date.now();
    for (let i = 0; i < 1000; i++) {
      const id = generator.next();
      expect(isValid(id)).toBe(true);
      expect(decodeTime(id)).toBeGreaterThanOrEqual(before);
      expect(decodeTime(id)).toBe(decodeUlid(id).timestampMs);
    }
  });

  it('is monotonic within a millisecond: the randomness goes up by one', () => {
    const generator = new UlidGenerator({
      clock: scriptedClock(new Array<number>(100).fill(1_700_000_000_000)),
    });
    const ids = Array.from({ length: 100 }, () => generator.next());
    expect([...ids].sort()).toEqual(ids);
    const randoms = ids.map((id) => BigInt(`0x${decodeUlid(id).randomness}`));
    for (let i = 1; i < randoms.length; i++) expect(randoms[i]! - randoms[i - 1]!).toBe(1n);
  });

  it('sorts as text in the order it was made, across milliseconds', () => {
    const generator = new UlidGenerator();
    const ids = Array.from({ length: 20_000 }, () => generator.next());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses when the clock goes back further than it may wait', () => {
    const generator = new UlidGenerator({ clock: scriptedClock([1_700_000_000_000, 1_699_999_999_000]) });
    generator.next();
    expect(() => generator.next()).toThrow(ClockMovedBackwardsError);
  });

  it('decodes what it encodes', () => {
    const random = seededBytes(7);
    for (let i = 0; i < 1000; i++) {
      const parts = {
        timestampMs: Number(random(6).readUIntBE(0, 6)),
        randomness: random(10).toString('hex'),
      };
      expect(decodeUlid(encodeUlid(parts))).toEqual(parts);
    }
    expect(() => decodeUlid('8ZZZZZZZZZZZZZZZZZZZZZZZZZ')).toThrow(/first 0-7/);
  });
});
