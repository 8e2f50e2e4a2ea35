import { describe, expect, it } from '@jest/globals';
import { ObjectId } from 'bson';

import { decodeObjectId, encodeObjectId, ObjectIdGenerator } from './objectid.js';
import { scriptedClock, seededBytes } from './testing/fake-clock.js';

describe(ObjectIdGenerator.name, () => {
  it('makes ids the bson library accepts, with the time and the counter where the spec puts them', () => {
    const now = Date.now();
    const generator = new ObjectIdGenerator();
    const ids = Array.from({ length: 1000 }, () => generator.next());
    for (const id of ids) {
      expect(ObjectId.isValid(id)).toBe(true);
      const parsed = ObjectId.createFromHexString(id);
      expect(parsed.toHexString()).toBe(id);
      expect(Math.abs(parsed.getTimestamp().getTime() - now)).toBeLessThan(5_000);
    }
    expect(new Set(ids).size).toBe(1000);
    const counters = ids.map((id) => decodeObjectId(id).counter);
    for (let i = 1; i < counters.length; i++) expect(counters[i]).toBe((counters[i - 1]! + 1) % 0x1000000);
    expect(new Set(ids.map((id) => decodeObjectId(id).processRandom)).size).toBe(1);
  });

  it('wraps its 3-byte counter rather than overflow into the other fields', () => {
    const generator = new ObjectIdGenerator({
      clock: scriptedClock([1_700_000_000_000]),
      randomBytes: () => Buffer.from([0xff, 0xff, 0xfe, 0xff, 0xff]),
    });
    const first = decodeObjectId(generator.next());
    const second = decodeObjectId(generator.next());
    expect([first.counter, second.counter]).toEqual([0xffffff, 0]);
  });

  it('decodes what it encodes', () => {
    const random = seededBytes(1);
    for (let i = 0; i < 1000; i++) {
      const parts = {
        timestampSeconds: random(4).readUInt32BE(0),
        processRandom: random(5).toString('hex'),
        counter: random(3).readUIntBE(0, 3),
      };
      expect(decodeObjectId(encodeObjectId(parts))).toEqual(parts);
    }
    expect(() => decodeObjectId('not-an-object-id')).toThrow(/24 lower-case hex/);
  });
});
