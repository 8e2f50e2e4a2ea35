import type { Clock } from '../picker.js';

/** A clock that only moves when a test says so. Pass `clock.now` wherever a {@link Clock} is expected. */
export interface ManualClock {
  readonly now: Clock;
  advance(ms: number): void;
}

export function manualClock(startMs = 0): ManualClock {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}
