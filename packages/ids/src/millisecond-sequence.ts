import { systemClock, type Clock } from './clock.js';
import { ClockMovedBackwardsError } from './errors.js';

export interface MillisecondSequenceOptions {
  /** Largest sequence number within one millisecond (4095 for 12 bits). */
  readonly maxSequence: number;
  readonly clock?: Clock;
  /**
   * If the clock goes back by at most this many ms, wait until it has caught up; further back,
   * refuse with {@link ClockMovedBackwardsError}. Never reuse a (millisecond, sequence) pair.
   */
  readonly maxBackwardWaitMs?: number;
}

/** What a sequence had to do to stay unique, for metrics. */
export interface SequenceStats {
  issued: number;
  /** Times the sequence ran out within a millisecond and had to wait for the next one. */
  sequenceWaits: number;
  /** Times the clock was behind the last millisecond used. */
  clockBackwards: number;
}

/**
 * Hands out strictly increasing (millisecond, sequence) pairs: the part every time-ordered id
 * layout shares. When the sequence is used up within a millisecond it waits for the next one
 * rather than wrap (wrapping is how popular Snowflake packages repeat ids past 4,096 per ms); when
 * the clock moves back it waits a small step out and refuses a large one.
 */
export class MillisecondSequence {
  readonly stats: SequenceStats = { issued: 0, sequenceWaits: 0, clockBackwards: 0 };
  private readonly clock: Clock;
  private readonly maxBackwardWaitMs: number;
  private lastMs = -1;
  private sequence = 0;

  constructor(private readonly options: MillisecondSequenceOptions) {
    if (!Number.isInteger(options.maxSequence) || options.maxSequence < 0) {
      throw new RangeError('maxSequence must be a non-negative integer');
    }
    this.clock = options.clock ?? systemClock;
    this.maxBackwardWaitMs = options.maxBackwardWaitMs ?? 5;
  }

  /** The next pair; `ms` is a wall-clock Unix millisecond. */
  next(): { ms: number; sequence: number } {
    const sequence = this.nextSequence();
    return { ms: this.lastMs, sequence };
  }

  /**
   * {@link next} without allocating a pair, for the hot path: the sequence number, whose
   * millisecond is then {@link lastMillisecond}.
   */
  nextSequence(): number {
    let now = this.clock.nowMs();
    if (now < this.lastMs) {
      this.stats.clockBackwards++;
      const drift = this.lastMs - now;
      if (drift > this.maxBackwardWaitMs) throw new ClockMovedBackwardsError(drift);
      now = this.waitUntilAfter(this.lastMs - 1);
    }
    if (now === this.lastMs) {
      if (this.sequence === this.options.maxSequence) {
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
    this.stats.issued++;
    return this.sequence;
  }

  /** The last millisecond a pair was issued in (-1 before the first). */
  get lastMillisecond(): number {
    return this.lastMs;
  }

  /**
   * Never issue in millisecond `ms` or earlier, e.g. the fence left by the previous holder of a
   * worker id, whose clock may have been ahead of ours.
   */
  startAfter(ms: number): void {
    if (ms >= this.lastMs) {
      this.lastMs = ms;
      this.sequence = this.options.maxSequence;
    }
  }

  /** Spins until the clock shows a millisecond after `ms` (at most ~1 ms, or the allowed drift). */
  private waitUntilAfter(ms: number): number {
    let now = this.clock.nowMs();
    while (now <= ms) now = this.clock.nowMs();
    return now;
  }
}
