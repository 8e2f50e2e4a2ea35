import type { Clock } from './clock.js';
import { TimestampOverflowError } from './errors.js';
import {
  encodeInstagram,
  INSTAGRAM_LAYOUT,
  INSTAGRAM_MAX_SEQUENCE,
  INSTAGRAM_MAX_SHARD,
} from './instagram.layout.js';
import { MillisecondSequence } from './millisecond-sequence.js';
import { maxValue } from './snowflake.layout.js';

export interface InstagramGeneratorOptions {
  readonly clock?: Clock;
  readonly maxBackwardWaitMs?: number;
}

/**
 * Issues Instagram-style ids, strictly increasing per logical shard, up to 1,024 per millisecond per
 * shard (then it waits for the next millisecond). The layout has no worker bits: ids for one shard
 * are unique only if one generator issues them. Instagram ran one sequence per shard inside the
 * shard's own database; id-service does the same with a per-shard row in PostgreSQL, and this
 * in-process generator serves a single writer (and the benchmarks).
 */
export class InstagramGenerator {
  private readonly shards = new Map<number, ShardState>();
  private readonly maxElapsed = maxValue(INSTAGRAM_LAYOUT.timestampBits);

  constructor(private readonly options: InstagramGeneratorOptions = {}) {}

  next(shard: number): bigint {
    const state = this.stateOf(shard);
    const sequence = state.sequence.nextSequence();
    const ms = state.sequence.lastMillisecond;
    if (ms !== state.highMs) {
      const elapsed = ms - INSTAGRAM_LAYOUT.epochMs;
      if (elapsed < 0 || elapsed > this.maxElapsed) throw new TimestampOverflowError(elapsed);
      state.high = encodeInstagram({ timestampMs: ms, shard, sequence: 0 });
      state.highMs = ms;
    }
    return state.high + BigInt(sequence);
  }

  nextBatch(shard: number, count: number): bigint[] {
    const ids = new Array<bigint>(count);
    for (let i = 0; i < count; i++) ids[i] = this.next(shard);
    return ids;
  }

  private stateOf(shard: number): ShardState {
    let state = this.shards.get(shard);
    if (!state) {
      if (!Number.isInteger(shard) || shard < 0 || shard > INSTAGRAM_MAX_SHARD) {
        throw new RangeError(`shard must be an integer from 0 to ${INSTAGRAM_MAX_SHARD}, got ${shard}`);
      }
      const sequence = new MillisecondSequence({ maxSequence: INSTAGRAM_MAX_SEQUENCE, ...this.options });
      state = { sequence, highMs: -1, high: 0n };
      this.shards.set(shard, state);
    }
    return state;
  }
}

/** One shard's sequence, and its id bits above the sequence for millisecond `highMs`. */
interface ShardState {
  readonly sequence: MillisecondSequence;
  highMs: number;
  high: bigint;
}
