import type { Clock } from '../clock.js';

/** A clock that reads from a script of values, then keeps the last one advancing by 1 ms per read. */
export function scriptedClock(values: number[]): Clock & { reads: number } {
  let last = values[values.length - 1]!;
  const clock = {
    reads: 0,
    nowMs() {
      const value = clock.reads < values.length ? values[clock.reads]! : ++last;
      clock.reads++;
      return value;
    },
  };
  return clock;
}

/** A small deterministic random source (mulberry32) for reproducible random bytes. */
export function seededBytes(seed: number): (size: number) => Buffer {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
  return (size) => {
    const bytes = Buffer.alloc(size);
    for (let i = 0; i < size; i++) bytes[i] = next() & 0xff;
    return bytes;
  };
}
