import { describe, expect, it } from '@jest/globals';

import { InstagramGenerator } from './instagram.generator.js';
import {
  decodeInstagram,
  encodeInstagram,
  INSTAGRAM_LAYOUT,
  shardOfInstagramId,
} from './instagram.layout.js';
import { scriptedClock } from './testing/fake-clock.js';

const T0 = INSTAGRAM_LAYOUT.epochMs + 5_000_000_000;
const randomInt = (max: number) => Math.floor(Math.random() * (max + 1));

describe('Instagram-style layout', () => {
  it('decodes what it encodes across the whole range, and reads the shard without decoding', () => {
    for (let i = 0; i < 10_000; i++) {
      const parts = {
        timestampMs: INSTAGRAM_LAYOUT.epochMs + randomInt(2 ** 41 - 1),
        shard: randomInt(8191),
        sequence: randomInt(1023),
      };
      const id = encodeInstagram(parts);
      expect(decodeInstagram(id)).toEqual(parts);
      expect(shardOfInstagramId(id)).toBe(parts.shard);
    }
  });

  it('puts 41 bits of time, 13 of shard and 10 of sequence in that order', () => {
    expect(encodeInstagram({ timestampMs: INSTAGRAM_LAYOUT.epochMs + 1, shard: 1, sequence: 1 })).toBe(
      (1n << 23n) | (1n << 10n) | 1n,
    );
    expect(() => encodeInstagram({ timestampMs: T0, shard: 8192, sequence: 0 })).toThrow(
      /shard 8192 does not fit 13 bits/,
    );
  });
});

describe(InstagramGenerator.name, () => {
  it('issues strictly increasing ids per shard that carry the shard', () => {
    const generator = new InstagramGenerator();
    const ids = generator.nextBatch(4321, 50_000);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids.map(shardOfInstagramId))).toEqual(new Set([4321]));
  });

  it('waits for the next millisecond after 1,024 ids in one for a shard, without touching other shards', () => {
    const generator = new InstagramGenerator({ clock: scriptedClock(new Array<number>(1030).fill(T0)) });
    const ids = generator.nextBatch(7, 1025);
    expect(decodeInstagram(ids[1023]!)).toMatchObject({ timestampMs: T0, sequence: 1023 });
    expect(decodeInstagram(ids[1024]!)).toMatchObject({ timestampMs: T0 + 1, sequence: 0 });
    expect(decodeInstagram(generator.next(8))).toMatchObject({ shard: 8, sequence: 0 });
  });

  it('refuses a shard outside 0..8191', () => {
    expect(() => new InstagramGenerator().next(8192)).toThrow(/shard must be an integer from 0 to 8191/);
  });
});
