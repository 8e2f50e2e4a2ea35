import { systemClock, type Clock } from './clock.js';
import { ClockMovedBackwardsError, TimestampOverflowError } from './errors.js';
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
  /**
   * If the clock goes back by at most this many ms, wait until it has caught up; further back,
   * refuse with {@link ClockMovedBackwardsError}. Never issue from a timestamp already used.
   */
  readonly maxBackwardWaitMs?: number;
}

/** Counts of what the generator had to do to stay unique, for metrics. */
export interface SnowflakeStats {
  issued: number;
  /** Times the sequence ran out within a millisecond and the generator waited for the next one. */
  sequenceWaits: number;
  /** Times the clock was behind the last issued timestamp. */
  clockBackwards: number;
}

/**
 * Issues ids that strictly increase for this (datacenter, worker) pair. Two generators never
 * collide as long as no two live ones share a pair; the caller guarantees that (id-service leases
 * pairs). When 2^sequenceBits ids have been issued in one millisecond, it waits for the next
 * millisecond instead of wrapping the sequence.
 */
export class SnowflakeGenerator {
  readonly stats: SnowflakeStats = { issued: 0, sequenceWaits: 0, clockBackwards: 0 };
  private readonly layout: SnowflakeLayout;
  private readonly clock: Clock;
  private readonly maxBackwardWaitMs: number;
  private readonly maxSequence: number;
  private readonly maxElapsed: number;
  private readonly nodeBits: number;
  private readonly lowBits: bigint;
  private lastMs = -1;
  private sequence = 0;

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
    this.clock = options.clock ?? systemClock;
    this.maxBackwardWaitMs = options.maxBackwardWaitMs ?? 5;
    this.maxSequence = maxValue(sequenceBits);
    this.maxElapsed = maxValue(this.layout.timestampBits);
    this.nodeBits = (options.datacenterId * 2 ** workerBits + options.workerId) * 2 ** sequenceBits;
    this.lowBits = BigInt(datacenterBits + workerBits + sequenceBits);
  }

  next(): bigint {
    let now = this.clock.nowMs();
    if (now < this.lastMs) {
      this.stats.clockBackwards++;
      const drift = this.lastMs - now;
      if (drift > this.maxBackwardWaitMs) throw new ClockMovedBackwardsError(drift);
      now = this.waitUntilAfter(this.lastMs - 1);
    }
    if (now === this.lastMs) {
      if (this.sequence === this.maxSequence) {
        this.stats.sequenceWaits++;
        now = this.waitUntilAfter(this.lastMs);
        this.sequence = 0;
      } else {
        this.sequence++;
      }
    } else {
      this.sequence = 0;
    }
    this.lastMs = now;
    const elapsed = now - this.layout.epochMs;
    if (elapsed < 0 || elapsed > this.maxElapsed) throw new TimestampOverflowError(elapsed);
    this.stats.issued++;
    return (BigInt(elapsed) << this.lowBits) | BigInt(this.nodeBits + this.sequence);
  }

  /**
   * Never issue an id in millisecond `ms` or earlier, e.g. the fence left by the previous holder
   * of this worker id, whose clock may have been ahead of ours.
   */
  startAfter(ms: number): void {
    if (ms >= this.lastMs) {
      this.lastMs = ms;
      this.sequence = this.maxSequence;
    }
  }

  /** `count` ids in increasing order. */
  nextBatch(count: number): bigint[] {
    const ids = new Array<bigint>(count);
    for (let i = 0; i < count; i++) ids[i] = this.next();
    return ids;
  }

  /** Spins until the clock shows a millisecond after `ms` (at most ~1 ms, or the allowed drift). */
  private waitUntilAfter(ms: number): number {
    let now = this.clock.nowMs();
    while (now <= ms) now = this.clock.nowMs();
    return now;
  }
}
