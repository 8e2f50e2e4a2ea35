import { systemClock, type Clock } from './clock.js';
import { ClockMovedBackwardsError } from './errors.js';
import { secureRandomBytes, type RandomBytes } from './random-bytes.js';

/**
 * ULID (github.com/ulid/spec): 128 bits as 26 Crockford base32 characters, sortable as text.
 *
 *   milliseconds since the Unix epoch (48 bits, 10 chars) | randomness (80 bits, 16 chars)
 *
 * Monotonic within a millisecond: a second ULID in the same millisecond takes the previous
 * randomness plus one, so ids from one generator sort in the order they were made. (The spec throws
 * when the 80 bits overflow; after 2^80 increments in one millisecond that cannot happen here, but
 * the generator would wait for the next millisecond rather than throw.) The 48-bit time lasts until
 * the year 10889.
 */
export interface UlidParts {
  readonly timestampMs: number;
  /** 20 hex characters. */
  readonly randomness: string;
}

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DECODE = new Map([...ALPHABET].map((char, index) => [char, index]));
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const RANDOM_MAX = (1n << 80n) - 1n;
const MAX_TIME = 2 ** 48 - 1;

export interface UlidGeneratorOptions {
  readonly clock?: Clock;
  readonly randomBytes?: RandomBytes;
  readonly maxBackwardWaitMs?: number;
}

export class UlidGenerator {
  private readonly clock: Clock;
  private readonly randomBytes: RandomBytes;
  private readonly maxBackwardWaitMs: number;
  private lastMs = -1;
  private lastRandom = 0n;

  constructor(options: UlidGeneratorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.randomBytes = options.randomBytes ?? secureRandomBytes;
    this.maxBackwardWaitMs = options.maxBackwardWaitMs ?? 5;
  }

  next(): string {
    let now = this.clock.nowMs();
    if (now < this.lastMs) {
      const drift = this.lastMs - now;
      if (drift > this.maxBackwardWaitMs) throw new ClockMovedBackwardsError(drift);
      while (now < this.lastMs) now = this.clock.nowMs();
    }
    if (now === this.lastMs && this.lastRandom < RANDOM_MAX) {
      this.lastRandom++;
    } else {
      while (now === this.lastMs) now = this.clock.nowMs(); // randomness exhausted: next millisecond
      this.lastMs = now;
      this.lastRandom = BigInt(`0x${this.randomBytes(10).toString('hex')}`);
    }
    return encodeUlid({ timestampMs: now, randomness: this.lastRandom.toString(16).padStart(20, '0') });
  }
}

export function encodeUlid(parts: UlidParts): string {
  if (!Number.isSafeInteger(parts.timestampMs) || parts.timestampMs < 0 || parts.timestampMs > MAX_TIME) {
    throw new RangeError('timestampMs does not fit 48 bits');
  }
  if (!/^[0-9a-f]{20}$/.test(parts.randomness)) throw new RangeError('randomness must be 20 hex characters');
  let value = (BigInt(parts.timestampMs) << 80n) | BigInt(`0x${parts.randomness}`);
  const chars = new Array<string>(26);
  for (let i = 25; i >= 0; i--) {
    chars[i] = ALPHABET[Number(value & 31n)]!;
    value >>= 5n;
  }
  return chars.join('');
}

export function decodeUlid(id: string): UlidParts {
  const upper = id.toUpperCase();
  if (!ULID.test(upper)) throw new RangeError('a ULID is 26 Crockford base32 characters, the first 0-7');
  let value = 0n;
  for (const char of upper) value = (value << 5n) | BigInt(DECODE.get(char)!);
  return {
    timestampMs: Number(value >> 80n),
    randomness: (value & RANDOM_MAX).toString(16).padStart(20, '0'),
  };
}
