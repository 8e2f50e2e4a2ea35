import { describe, expect, it } from '@jest/globals';

import type { Clock } from './clock.js';
import { ClockMovedBackwardsError } from './errors.js';
import { InstagramGenerator } from './instagram.generator.js';
import { decodeInstagram } from './instagram.layout.js';
import { SnowflakeGenerator } from './snowflake.generator.js';
import { decodeSnowflake, SNOWFLAKE_EPOCH_MS } from './snowflake.layout.js';
import { scriptedClock } from './testing/fake-clock.js';
import { decodeUlid, UlidGenerator } from './ulid.js';
import { decodeUuidV7, UuidV7Generator } from './uuidv7.js';

const T0 = SNOWFLAKE_EPOCH_MS + 2_000_000_000;
const MAX_BACKWARD_WAIT_MS = 5;

/** One time-ordered generator, seen the same way: the next id, comparable, and the time it carries. */
interface Subject {
  next(): bigint | string;
  timeOf(id: bigint | string): number;
}

const subjects: [string, (clock: Clock) => Subject][] = [
  [
    'Snowflake',
    (clock) => {
      const generator = new SnowflakeGenerator({
        datacenterId: 1,
        workerId: 2,
        clock,
        maxBackwardWaitMs: MAX_BACKWARD_WAIT_MS,
      });
      return { next: () => generator.next(), timeOf: (id) => decodeSnowflake(id as bigint).timestampMs };
    },
  ],
  [
    'Instagram-style',
    (clock) => {
      const generator = new InstagramGenerator({ clock, maxBackwardWaitMs: MAX_BACKWARD_WAIT_MS });
      return { next: () => generator.next(42), timeOf: (id) => decodeInstagram(id as bigint).timestampMs };
    },
  ],
  [
    'ULID',
    (clock) => {
      const generator = new UlidGenerator({ clock, maxBackwardWaitMs: MAX_BACKWARD_WAIT_MS });
      return { next: () => generator.next(), timeOf: (id) => decodeUlid(id as string).timestampMs };
    },
  ],
  [
    'UUIDv7',
    (clock) => {
      const generator = new UuidV7Generator({ clock, maxBackwardWaitMs: MAX_BACKWARD_WAIT_MS });
      return { next: () => generator.next(), timeOf: (id) => decodeUuidV7(id as string).timestampMs };
    },
  ],
];

function strictlyIncreasing(ids: readonly (bigint | string)[]): boolean {
  return ids.every((id, i) => i === 0 || id > ids[i - 1]!);
}

describe.each(subjects)('%s generator when the clock steps back', (_name, create) => {
  it('waits out a 5 ms step: no id repeats, none goes back in time', () => {
    // Three ids at T0, then the clock reads 5 ms earlier and climbs back, one ms per read.
    const clock = scriptedClock([T0, T0, T0, T0 - 5, T0 - 4, T0 - 3, T0 - 2, T0 - 1, T0, T0 + 1]);
    const subject = create(clock);

    const ids = Array.from({ length: 6 }, () => subject.next());

    expect(new Set(ids).size).toBe(6);
    expect(strictlyIncreasing(ids)).toBe(true);
    // The fourth id waited until the clock was back at T0 rather than use T0 - 5.
    expect(subject.timeOf(ids[3]!)).toBe(T0);
    expect(clock.reads).toBeGreaterThanOrEqual(9);
  });

  it('refuses a 5 s step with ClockMovedBackwardsError, and issues again once the clock has caught up', () => {
    const clock = scriptedClock([T0, T0 - 5_000, T0 - 4_000, T0 + 1]);
    const subject = create(clock);
    const before = subject.next();

    const refusals = [0, 1].map(() => {
      try {
        subject.next();
        return undefined;
      } catch (error) {
        return error;
      }
    });
    const after = subject.next();

    expect(refusals[0]).toBeInstanceOf(ClockMovedBackwardsError);
    expect((refusals[0] as ClockMovedBackwardsError).driftMs).toBe(5_000);
    expect((refusals[1] as ClockMovedBackwardsError).driftMs).toBe(4_000);
    expect(after > before).toBe(true);
    expect(subject.timeOf(after)).toBe(T0 + 1);
  });
});
