/**
 * Snowflake id: a signed 64-bit integer that is always positive.
 *
 *   0 | timestamp: ms since epoch (41) | datacenter (5) | worker (5) | sequence (12)
 *
 * The sign bit stays 0 so the id is positive in every language's signed int64. 41 bits of
 * milliseconds last 2^41 ms ≈ 69.7 years from the epoch (42 bits would last ≈ 139 years but need
 * the sign bit, making ids negative in Java and PostgreSQL bigint after 69.7 years).
 */
export interface SnowflakeLayout {
  /** Unix ms of timestamp 0. */
  readonly epochMs: number;
  readonly timestampBits: number;
  readonly datacenterBits: number;
  readonly workerBits: number;
  readonly sequenceBits: number;
}

/** 2020-01-01T00:00:00Z: ids last until 2089-09-06. */
export const SNOWFLAKE_EPOCH_MS = Date.UTC(2020, 0, 1);

export const DEFAULT_SNOWFLAKE_LAYOUT: SnowflakeLayout = {
  epochMs: SNOWFLAKE_EPOCH_MS,
  timestampBits: 41,
  datacenterBits: 5,
  workerBits: 5,
  sequenceBits: 12,
};

export interface SnowflakeParts {
  /** Unix ms at which the id was issued. */
  readonly timestampMs: number;
  readonly datacenterId: number;
  readonly workerId: number;
  readonly sequence: number;
}

/** Checks that a layout fits 63 bits and that its low fields fit a JS number exactly. */
export function validateSnowflakeLayout(layout: SnowflakeLayout): void {
  const { timestampBits, datacenterBits, workerBits, sequenceBits } = layout;
  for (const [name, bits] of Object.entries({ timestampBits, datacenterBits, workerBits, sequenceBits })) {
    if (!Number.isInteger(bits) || bits < 0) throw new RangeError(`${name} must be a non-negative integer`);
  }
  if (timestampBits + datacenterBits + workerBits + sequenceBits !== 63) {
    throw new RangeError('a Snowflake layout must use exactly 63 bits (the sign bit stays 0)');
  }
  if (datacenterBits + workerBits + sequenceBits > 31) {
    throw new RangeError('datacenter, worker and sequence bits together must not exceed 31');
  }
  if (!Number.isSafeInteger(layout.epochMs)) throw new RangeError('epochMs must be an integer');
}

export function maxValue(bits: number): number {
  return 2 ** bits - 1;
}

export function encodeSnowflake(
  parts: SnowflakeParts,
  layout: SnowflakeLayout = DEFAULT_SNOWFLAKE_LAYOUT,
): bigint {
  const elapsed = parts.timestampMs - layout.epochMs;
  const fields: [string, number, number][] = [
    ['timestamp', elapsed, layout.timestampBits],
    ['datacenterId', parts.datacenterId, layout.datacenterBits],
    ['workerId', parts.workerId, layout.workerBits],
    ['sequence', parts.sequence, layout.sequenceBits],
  ];
  for (const [name, value, bits] of fields) {
    if (!Number.isSafeInteger(value) || value < 0 || value > maxValue(bits)) {
      throw new RangeError(`${name} ${value} does not fit ${bits} bits`);
    }
  }
  const low =
    (parts.datacenterId * 2 ** layout.workerBits + parts.workerId) * 2 ** layout.sequenceBits +
    parts.sequence;
  const lowBits = BigInt(layout.datacenterBits + layout.workerBits + layout.sequenceBits);
  return (BigInt(elapsed) << lowBits) | BigInt(low);
}

export function decodeSnowflake(
  id: bigint,
  layout: SnowflakeLayout = DEFAULT_SNOWFLAKE_LAYOUT,
): SnowflakeParts {
  if (id < 0n || id >= 1n << 63n) throw new RangeError('a Snowflake id is a positive 63-bit integer');
  const lowBits = layout.datacenterBits + layout.workerBits + layout.sequenceBits;
  const low = Number(id & ((1n << BigInt(lowBits)) - 1n));
  return {
    timestampMs: Number(id >> BigInt(lowBits)) + layout.epochMs,
    datacenterId:
      Math.floor(low / 2 ** (layout.workerBits + layout.sequenceBits)) % 2 ** layout.datacenterBits,
    workerId: Math.floor(low / 2 ** layout.sequenceBits) % 2 ** layout.workerBits,
    sequence: low % 2 ** layout.sequenceBits,
  };
}
