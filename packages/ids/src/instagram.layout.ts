import { maxValue, SNOWFLAKE_EPOCH_MS } from './snowflake.layout.js';

/**
 * Instagram-style id (Instagram Engineering, "Sharding & IDs at Instagram", 2012):
 *
 *   timestamp: ms since epoch (41) | logical shard (13) | sequence (10)     = 64 bits
 *
 * The shard is part of the id, so whoever holds an id knows which of the 8,192 logical shards its
 * row lives on without a lookup. 41 bits of milliseconds last 2^41 ms ≈ 69.7 years as an unsigned
 * 64-bit number; the timestamp's top bit is the sign bit of a signed bigint (PostgreSQL, Java), so
 * stored signed the ids stay positive for 2^40 ms ≈ 34.8 years (until 2054-11 from the 2020 epoch).
 * 1,024 ids per millisecond per shard.
 */
export const INSTAGRAM_LAYOUT = {
  epochMs: SNOWFLAKE_EPOCH_MS,
  timestampBits: 41,
  shardBits: 13,
  sequenceBits: 10,
} as const;

export const INSTAGRAM_MAX_SHARD = maxValue(INSTAGRAM_LAYOUT.shardBits);
export const INSTAGRAM_MAX_SEQUENCE = maxValue(INSTAGRAM_LAYOUT.sequenceBits);

export interface InstagramParts {
  readonly timestampMs: number;
  readonly shard: number;
  readonly sequence: number;
}

const LOW_BITS = BigInt(INSTAGRAM_LAYOUT.shardBits + INSTAGRAM_LAYOUT.sequenceBits);

export function encodeInstagram(parts: InstagramParts): bigint {
  const elapsed = parts.timestampMs - INSTAGRAM_LAYOUT.epochMs;
  const fields: [string, number, number][] = [
    ['timestamp', elapsed, INSTAGRAM_LAYOUT.timestampBits],
    ['shard', parts.shard, INSTAGRAM_LAYOUT.shardBits],
    ['sequence', parts.sequence, INSTAGRAM_LAYOUT.sequenceBits],
  ];
  for (const [name, value, bits] of fields) {
    if (!Number.isSafeInteger(value) || value < 0 || value > maxValue(bits)) {
      throw new RangeError(`${name} ${value} does not fit ${bits} bits`);
    }
  }
  return (
    (BigInt(elapsed) << LOW_BITS) | BigInt(parts.shard * 2 ** INSTAGRAM_LAYOUT.sequenceBits + parts.sequence)
  );
}

export function decodeInstagram(id: bigint): InstagramParts {
  if (id < 0n || id >= 1n << 64n) throw new RangeError('an Instagram-style id is an unsigned 64-bit integer');
  const low = Number(id & ((1n << LOW_BITS) - 1n));
  return {
    timestampMs: Number(id >> LOW_BITS) + INSTAGRAM_LAYOUT.epochMs,
    shard: Math.floor(low / 2 ** INSTAGRAM_LAYOUT.sequenceBits),
    sequence: low % 2 ** INSTAGRAM_LAYOUT.sequenceBits,
  };
}

/** The logical shard an Instagram-style id belongs to, without decoding the rest. */
export function shardOfInstagramId(id: bigint): number {
  return Number((id >> BigInt(INSTAGRAM_LAYOUT.sequenceBits)) & BigInt(INSTAGRAM_MAX_SHARD));
}
