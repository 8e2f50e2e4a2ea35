import { describe, expect, it } from '@jest/globals';

import { ClockMovedBackwardsError } from './errors.js';
import { SnowflakeGenerator } from './snowflake.generator.js';
import { decodeSnowflake, SNOWFLAKE_EPOCH_MS } from './snowflake.layout.js';
import { scriptedClock } from './testing/fake-clock.js';

const T0 = SNOWFLAKE_EPOCH_MS + 1_000_000_000;

describe(SnowflakeGenerator.name, () => {
  it('issues strictly increasing ids carrying its datacenter and worker', () => {
    const generator = new SnowflakeGenerator({ datacenterId: 3, workerId: 17 });
    const before = Date.now();
    const ids = generator.nextBatch(100_000);
    const after = Date.now();
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    const first = decodeSnowflake(ids[0]!);
    const last = decodeSnowflake(ids[ids.length - 1]!);
    expect(first).toMatchObject({ datacenterId: 3, workerId: 17 });
    expect(first.timestampMs).toBeGreaterThanOrEqual(before);
    expect(last.timestampMs).toBeLessThanOrEqual(after);
  });

  it('waits for the next millisecond when 4,096 ids were issued in one, instead of wrapping', () => {
    const clock = scriptedClock(new Array<number>(4097).fill(T0));
    const generator = new SnowflakeGenerator({ datacenterId: 0, workerId: 1, clock });
    const ids = generator.nextBatch(4097);
    expect(decodeSnowflake(ids[4095]!)).toMatchObject({ timestampMs: T0, sequence: 4095 });
    expect(decodeSnowflake(ids[4096]!)).toMatchObject({ timestampMs: T0 + 1, sequence: 0 });
    expect(new Set(ids).size).toBe(4097);
    expect(generator.stats.sequenceWaits).toBe(1);
  });

  it('waits out a small backward clock step without repeating an id', () => {
    const clock = scriptedClock([T0, T0, T0 - 3, T0 - 2, T0 - 1, T0]);
    const generator = new SnowflakeGenerator({ datacenterId: 0, workerId: 1, clock, maxBackwardWaitMs: 5 });
    const ids = generator.nextBatch(3);
    expect(ids.map((id) => decodeSnowflake(id).timestampMs)).toEqual([T0, T0, T0]);
    expect(ids.map((id) => decodeSnowflake(id).sequence)).toEqual([0, 1, 2]);
    expect(generator.stats.clockBackwards).toBe(1);
  });

  it('refuses to issue when the clock went back further than it may wait', () => {
    const clock = scriptedClock([T0, T0 - 1_000, T0 + 1]);
    const generator = new SnowflakeGenerator({ datacenterId: 0, workerId: 1, clock, maxBackwardWaitMs: 5 });
    const first = generator.next();
    expect(() => generator.next()).toThrow(ClockMovedBackwardsError);
    const after = generator.next();
    expect(after > first).toBe(true);
  });

  it('issues nothing at or below a fence left by the previous holder of its worker id', () => {
    const clock = scriptedClock([T0, T0, T0 + 1]);
    const generator = new SnowflakeGenerator({ datacenterId: 0, workerId: 1, clock });
    generator.startAfter(T0);
    expect(decodeSnowflake(generator.next())).toMatchObject({ timestampMs: T0 + 1, sequence: 0 });
  });

  it('refuses while its clock is well behind the fence, then issues once it passes', () => {
    const clock = scriptedClock([T0 - 100, T0 + 1]);
    const generator = new SnowflakeGenerator({ datacenterId: 0, workerId: 1, clock, maxBackwardWaitMs: 5 });
    generator.startAfter(T0);
    expect(() => generator.next()).toThrow(ClockMovedBackwardsError);
    expect(decodeSnowflake(generator.next()).timestampMs).toBe(T0 + 1);
  });

  it('gives two workers disjoint ids even in the same millisecond', () => {
    const clock = () => scriptedClock(new Array<number>(1000).fill(T0));
    const a = new SnowflakeGenerator({ datacenterId: 0, workerId: 1, clock: clock() }).nextBatch(1000);
    const b = new SnowflakeGenerator({ datacenterId: 0, workerId: 2, clock: clock() }).nextBatch(1000);
    expect(new Set([...a, ...b]).size).toBe(2000);
  });

  it('rejects a worker or datacenter id that does not fit its bits', () => {
    expect(() => new SnowflakeGenerator({ datacenterId: 0, workerId: 32 })).toThrow(
      /workerId must be an integer from 0 to 31/,
    );
    expect(() => new SnowflakeGenerator({ datacenterId: -1, workerId: 0 })).toThrow(/datacenterId/);
  });
});
