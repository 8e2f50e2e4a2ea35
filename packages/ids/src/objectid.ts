import { systemClock, type Clock } from './clock.js';
import { secureRandomBytes, type RandomBytes } from './random-bytes.js';

/**
 * MongoDB ObjectId, as the current BSON spec defines it: 12 bytes, shown as 24 hex characters.
 *
 *   seconds since the Unix epoch (4 bytes, big-endian) | random per process (5) | counter (3)
 *
 * The older layout (3-byte machine hash + 2-byte pid) is what the design notes describe; drivers
 * replaced it with 5 random bytes chosen once per process, since machine ids and pids collide in
 * containers. The counter starts at a random value and wraps at 2^24, so one process can issue
 * 16,777,216 ids per second before repeating one. Seconds resolution: ids within a second are
 * ordered only by their counter, and only per process.
 */
export interface ObjectIdParts {
  readonly timestampSeconds: number;
  /** 10 hex characters. */
  readonly processRandom: string;
  readonly counter: number;
}

export interface ObjectIdGeneratorOptions {
  readonly clock?: Clock;
  readonly randomBytes?: RandomBytes;
}

const OBJECT_ID = /^[0-9a-f]{24}$/;

export class ObjectIdGenerator {
  private readonly clock: Clock;
  private readonly processRandom: Buffer;
  private counter: number;

  constructor(options: ObjectIdGeneratorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    const random = options.randomBytes ?? secureRandomBytes;
    this.processRandom = random(5);
    this.counter = random(3).readUIntBE(0, 3);
  }

  next(): string {
    const id = Buffer.allocUnsafe(12);
    id.writeUInt32BE(Math.floor(this.clock.nowMs() / 1000) >>> 0, 0);
    this.processRandom.copy(id, 4);
    this.counter = (this.counter + 1) % 0x1000000;
    id.writeUIntBE(this.counter, 9, 3);
    return id.toString('hex');
  }
}

export function encodeObjectId(parts: ObjectIdParts): string {
  if (
    !Number.isInteger(parts.timestampSeconds) ||
    parts.timestampSeconds < 0 ||
    parts.timestampSeconds > 0xffffffff
  ) {
    throw new RangeError('timestampSeconds does not fit 4 bytes');
  }
  if (!/^[0-9a-f]{10}$/.test(parts.processRandom))
    throw new RangeError('processRandom must be 10 hex characters');
  if (!Number.isInteger(parts.counter) || parts.counter < 0 || parts.counter > 0xffffff) {
    throw new RangeError('counter does not fit 3 bytes');
  }
  const id = Buffer.alloc(12);
  id.writeUInt32BE(parts.timestampSeconds, 0);
  id.write(parts.processRandom, 4, 'hex');
  id.writeUIntBE(parts.counter, 9, 3);
  return id.toString('hex');
}

export function decodeObjectId(id: string): ObjectIdParts {
  if (!OBJECT_ID.test(id)) throw new RangeError('an ObjectId is 24 lower-case hex characters');
  const bytes = Buffer.from(id, 'hex');
  return {
    timestampSeconds: bytes.readUInt32BE(0),
    processRandom: bytes.subarray(4, 9).toString('hex'),
    counter: bytes.readUIntBE(9, 3),
  };
}
