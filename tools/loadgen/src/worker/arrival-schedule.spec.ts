import { describe, expect, it } from '@jest/globals';

import { ArrivalSchedule } from './arrival-schedule.js';

describe(ArrivalSchedule.name, () => {
  it('spaces requests evenly at the rate asked when there is no warm-up', () => {
    const schedule = new ArrivalSchedule(1_000, 0, 2_000);
    expect(schedule.count).toBe(2_000);
    expect(schedule.offsetMs(0)).toBe(0);
    expect(schedule.offsetMs(1)).toBe(1);
    expect(schedule.offsetMs(1_999)).toBe(1_999);
  });

  it('ramps up during the warm-up, then holds the rate', () => {
    const schedule = new ArrivalSchedule(1_000, 2_000, 10_000);
    // Half the warm-up at full rate: 1,000 requests in the ramp, then 10,000 measured.
    expect(schedule.count).toBe(11_000);
    // Offsets never go back, and the last warm-up request lands just before the measured phase.
    let previous = -1;
    for (let i = 0; i < schedule.count; i++) {
      const offset = schedule.offsetMs(i);
      expect(offset).toBeGreaterThanOrEqual(previous);
      previous = offset;
    }
    expect(schedule.offsetMs(999)).toBeLessThan(2_000);
    expect(schedule.offsetMs(1_000)).toBe(2_000);
    // The rate in the first half of the ramp is a third of that in its second half.
    const firstHalf = [...Array(1_000).keys()].filter((i) => schedule.offsetMs(i) < 1_000).length;
    expect(firstHalf).toBe(250);
    // Measured phase: exactly 1 ms apart.
    expect(schedule.offsetMs(5_001) - schedule.offsetMs(5_000)).toBeCloseTo(1, 9);
  });

  it('refuses a rate of zero', () => {
    expect(() => new ArrivalSchedule(0, 0, 1_000)).toThrow(RangeError);
  });
});
