import type { Clock } from './clock.js';
import { TimestampOverflowError } from './errors.js';
import { MillisecondSequence, type SequenceStats } from './millisecond-sequence.js';
import {
  DEFAULT_SNOWFLAKE_LAYOUT,
  maxValue,
  validateSnowflakeLayout,
  type SnowflakeLayout,
} from './snowflake.layout.js';

export interface SnowflakeGeneratorOptions {
  readonly datacenterId: number;
  readonly workerId: number;
  readonly layout?: SnowflakeLayout;
  readonly clock?: Clock;
  /** A backward clock step up to this many ms is waited out; larger ones are refused. */
  readonly maxBackwardWaitMs?: number;
}

/**
 * Issues ids that strictly increase for this (datacenter, worker) pair. Two generators never
 * collide as long as no two live ones share a pair; the caller guarantees that (id-service leases
 * pairs). When 2^sequenceBits ids have been issued in one millisecond, it waits for the next
 * millisecond instead of wrapping the sequence.
 */
export class SnowflakeGenerator {
  private readonly layout: SnowflakeLayout;
  private readonly sequence: MillisecondSequence;
  private readonly maxElapsed: number;
  private readonly nodeBits: number;
  private readonly lowBits: bigint;
  /** The id's bits above the sequence for millisecond `highMs`: computed once per millisecond. */
  private highMs = -1;
  private high = 0n;

  constructor(options: SnowflakeGeneratorOptions) {
    this.layout = options.layout ?? DEFAULT_SNOWFLAKE_LAYOUT;
    validateSnowflakeLayout(this.layout);
    const { datacenterBits, workerBits, sequenceBits } = this.layout;
    for (const [name, value, bits] of [
      ['datacenterId', options.datacenterId, datacenterBits],
      ['workerId', options.workerId, workerBits],
    ] as const) {
      if (!Number.isInteger(value) || value < 0 || value > maxValue(bits)) {
        throw new RangeError(`${name} must be an integer from 0 to ${maxValue(bits)}, got ${value}`);
      }
    }
    this.sequence = new MillisecondSequence({
      maxSequence: maxValue(sequenceBits),
      clock: options.clock,
      maxBackwardWaitMs: options.maxBackwardWaitMs,
    });
    this.maxElapsed = maxValue(this.layout.timestampBits);
    this.nodeBits = (options.datacenterId * 2 ** workerBits + options.workerId) * 2 ** sequenceBits;
    this.lowBits = BigInt(datacenterBits + workerBits + sequenceBits);
  }

  get stats(): SequenceStats {
    return this.sequence.stats;
  }

  next(): bigint {
    const sequence = this.sequence.nextSequence();
    const ms = this.sequence.lastMillisecond;
    if (ms !== this.highMs) {
      const elapsed = ms - this.layout.epochMs;
      if (elapsed < 0 || elapsed > this.maxElapsed) throw new TimestampOverflowError(elapsed);
      this.high = (BigInt(elapsed) << this.lowBits) | BigInt(this.nodeBits);
      this.highMs = ms;
    }
    return this.high + BigInt(sequence);
  }

  /** The millisecond (Unix ms) of the newest id issued, -1 before the first. */
  get lastMillisecond(): number {
    return this.sequence.lastMillisecond;
  }

  /** Never issue an id in millisecond `ms` or earlier (e.g. the previous holder's fence). */
  startAfter(ms: number): void {
    this.sequence.startAfter(ms);
  }

  /** `count` ids in increasing order. */
  nextBatch(count: number): bigint[] {
    const ids = new Array<bigint>(count);
    for (let i = 0; i < count; i++) ids[i] = this.next();
    return ids;
  }
}
