import type { Clock } from './clock.js';
import { MillisecondSequence } from './millisecond-sequence.js';
import { secureRandomBytes, type RandomBytes } from './random-bytes.js';

/**
 * UUID version 7 (RFC 9562, section 5.7): time-ordered, 128 bits in the usual 8-4-4-4-12 form.
 *
 *   unix_ts_ms (48) | ver = 0111 (4) | rand_a (12) | var = 10 (2) | rand_b (62)
 *
 * Monotonic within a millisecond by RFC 9562's method 1 (a dedicated counter): rand_a holds a
 * 12-bit counter that restarts at 0 each millisecond, so one generator sorts in issue order and
 * issues up to 4,096 per millisecond before waiting for the next. rand_b stays random (62 bits), so
 * ids from different generators do not collide in practice. The counter reveals how many ids this
 * generator made in that millisecond; use fresh rand_a bits instead if that matters.
 */
export interface UuidV7Parts {
  readonly timestampMs: number;
  readonly version: number;
  /** The variant bits, `10` for RFC 9562 UUIDs. */
  readonly variant: string;
  readonly counter: number;
  /** rand_b, 62 bits as 16 hex characters. */
  readonly random: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface UuidV7GeneratorOptions {
  readonly clock?: Clock;
  readonly randomBytes?: RandomBytes;
  readonly maxBackwardWaitMs?: number;
}

export class UuidV7Generator {
  private readonly sequence: MillisecondSequence;
  private readonly randomBytes: RandomBytes;

  constructor(options: UuidV7GeneratorOptions = {}) {
    this.sequence = new MillisecondSequence({ maxSequence: 0xfff, ...options });
    this.randomBytes = options.randomBytes ?? secureRandomBytes;
  }

  next(): string {
    const { ms, sequence } = this.sequence.next();
    const bytes = Buffer.allocUnsafe(16);
    bytes.writeUIntBE(ms, 0, 6);
    bytes.writeUInt16BE(0x7000 | sequence, 6);
    this.randomBytes(8).copy(bytes, 8);
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    return format(bytes);
  }
}

/** The UUID with these parts (version and variant are always 7 and `10`). */
export function encodeUuidV7(parts: Pick<UuidV7Parts, 'timestampMs' | 'counter' | 'random'>): string {
  if (!Number.isSafeInteger(parts.timestampMs) || parts.timestampMs < 0 || parts.timestampMs > 2 ** 48 - 1) {
    throw new RangeError('timestampMs does not fit 48 bits');
  }
  if (!Number.isInteger(parts.counter) || parts.counter < 0 || parts.counter > 0xfff) {
    throw new RangeError('counter does not fit 12 bits');
  }
  if (!/^[0-3][0-9a-f]{15}$/.test(parts.random)) {
    throw new RangeError('random must be 62 bits as 16 hex characters (the first 0-3)');
  }
  const bytes = Buffer.allocUnsafe(16);
  bytes.writeUIntBE(parts.timestampMs, 0, 6);
  bytes.writeUInt16BE(0x7000 | parts.counter, 6);
  bytes.write(parts.random, 8, 'hex');
  bytes[8] = bytes[8]! | 0x80;
  return format(bytes);
}

export function decodeUuidV7(id: string): UuidV7Parts {
  if (!UUID.test(id)) throw new RangeError('a UUID is 32 lower-case hex digits as 8-4-4-4-12');
  const bytes = Buffer.from(id.replaceAll('-', ''), 'hex');
  const version = bytes[6]! >> 4;
  if (version !== 7) throw new RangeError(`not a version 7 UUID (version ${version})`);
  if ((bytes[8]! & 0xc0) !== 0x80) throw new RangeError('not an RFC 9562 UUID (variant bits are not 10)');
  const random = Buffer.from(bytes.subarray(8, 16));
  random[0] = random[0]! & 0x3f;
  return {
    timestampMs: bytes.readUIntBE(0, 6),
    version,
    variant: '10',
    counter: bytes.readUInt16BE(6) & 0xfff,
    random: random.toString('hex'),
  };
}

function format(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
