import { describe, expect, it } from '@jest/globals';

import { Outcome } from './call-window.js';
import { TimeWindow } from './time.window.js';

const { success, failure, slow, running } = Outcome;

describe(TimeWindow.name, () => {
  it('counts the calls of the last windowMs, sliding one bucket at a time', () => {
    const window = new TimeWindow(10_000, 10, 0);
    window.record(failure, 0);
    window.record(slow, 500);
    window.record(success, 4_200);
    expect(window.counts(9_999)).toEqual({ calls: 3, failures: 1, timeouts: 0, slow: 1, running: 0 });

    // At 10 s the first bucket (0–1 s) slides out, with both calls in it.
    expect(window.counts(10_000)).toEqual({ calls: 1, failures: 0, timeouts: 0, slow: 0, running: 0 });
    expect(window.counts(15_000).calls).toBe(0);
  });

  it('clears every bucket after a long quiet spell, without a timer', () => {
    const window = new TimeWindow(1_000, 4, 0);
    for (let t = 0; t < 1_000; t += 100) window.record(slow, t);
    expect(window.counts(999).slow).toBe(10);
    expect(window.counts(3_600_000)).toEqual({ calls: 0, failures: 0, timeouts: 0, slow: 0, running: 0 });
    window.record(failure, 3_600_000);
    expect(window.counts(3_600_000)).toEqual({ calls: 1, failures: 1, timeouts: 0, slow: 0, running: 0 });
  });

  it('starts from carried counts in its newest bucket, which slide out with it', () => {
    const window = new TimeWindow(10_000, 10, 5_000, {
      calls: 8,
      failures: 2,
      timeouts: 1,
      slow: 3,
      running: 0,
    });
    expect(window.counts(5_000)).toEqual({ calls: 8, failures: 2, timeouts: 1, slow: 3, running: 0 });
    expect(window.counts(14_999).calls).toBe(8);
    expect(window.counts(15_000).calls).toBe(0);
  });

  it('finishes an entry recorded while its call ran in that call’s bucket, unless it slid out', () => {
    const window = new TimeWindow(10_000, 10, 0);
    const hung = window.record(slow | running, 1_500);
    expect(window.counts(1_500)).toEqual({ calls: 1, failures: 0, timeouts: 0, slow: 1, running: 1 });
    window.amend(hung, failure, 6_000);
    expect(window.counts(6_000)).toEqual({ calls: 1, failures: 1, timeouts: 0, slow: 1, running: 0 });

    const late = window.record(slow | running, 6_000);
    window.amend(late, failure, 17_000);
    expect(window.counts(17_000)).toEqual({ calls: 0, failures: 0, timeouts: 0, slow: 0, running: 0 });
  });
});
