import { describe, expect, it } from '@jest/globals';

import { Outcome } from './call-window.js';
import { CountWindow } from './count.window.js';

const { success, failure, timeout, slow, running } = Outcome;

function windowOf(size: number, outcomes: readonly number[]): CountWindow {
  const window = new CountWindow(size);
  for (const outcome of outcomes) window.record(outcome);
  return window;
}

describe(CountWindow.name, () => {
  it('counts the calls it holds, a timeout as a failure too', () => {
    const window = windowOf(10, [success, failure, timeout, slow, failure | slow]);
    expect(window.counts()).toEqual({ calls: 5, failures: 3, timeouts: 1, slow: 2, running: 0 });
  });

  it('holds only the last `size` calls: each new one pushes the oldest out', () => {
    const window = windowOf(3, [failure, failure, success]);
    expect(window.counts()).toMatchObject({ calls: 3, failures: 2 });

    window.record(success);
    expect(window.counts()).toMatchObject({ calls: 3, failures: 1 });
    window.record(slow);
    window.record(success);
    expect(window.counts()).toEqual({ calls: 3, failures: 0, timeouts: 0, slow: 1, running: 0 });
  });

  it('finishes an entry recorded while its call ran, once, and ignores one it has pushed out', () => {
    const window = new CountWindow(3);
    const hung = window.record(slow | running);
    expect(window.counts()).toEqual({ calls: 1, failures: 0, timeouts: 0, slow: 1, running: 1 });
    window.amend(hung, timeout);
    window.amend(hung, failure);
    expect(window.counts()).toEqual({ calls: 1, failures: 1, timeouts: 1, slow: 1, running: 0 });

    const succeeded = window.record(slow | running);
    window.amend(succeeded, success);
    expect(window.counts()).toEqual({ calls: 2, failures: 1, timeouts: 1, slow: 2, running: 0 });

    const gone = window.record(slow | running);
    window.record(success);
    window.record(success);
    window.record(success);
    window.amend(gone, failure);
    expect(window.counts()).toEqual({ calls: 3, failures: 0, timeouts: 0, slow: 0, running: 0 });
  });

  it('resized, keeps the newest calls in order', () => {
    const window = windowOf(6, [failure, failure, failure, success, slow, success]);

    const smaller = window.resized(3);
    expect(smaller.counts()).toEqual({ calls: 3, failures: 0, timeouts: 0, slow: 1, running: 0 });
    smaller.record(success);
    expect(smaller.counts()).toMatchObject({ calls: 3, slow: 1, running: 0 });
    smaller.record(success);
    expect(smaller.counts()).toMatchObject({ calls: 3, slow: 0, running: 0 });

    expect(window.resized(10).counts()).toEqual({ calls: 6, failures: 3, timeouts: 0, slow: 1, running: 0 });
  });

  it('seeded from another window’s counts, keeps their rates on at most `size` calls, spread evenly', () => {
    const seeded = CountWindow.seeded(10, { calls: 40, failures: 20, timeouts: 4, slow: 8, running: 0 });
    expect(seeded.counts()).toEqual({ calls: 10, failures: 5, timeouts: 1, slow: 2, running: 0 });

    // Spread evenly: as new successes push the seeded calls out, the failures leave one in two.
    const failuresLeft: number[] = [];
    for (let i = 0; i < 10; i++) {
      seeded.record(success);
      failuresLeft.push(seeded.counts().failures);
    }
    expect(failuresLeft).toEqual([5, 4, 4, 3, 3, 2, 2, 1, 1, 0]);

    expect(
      CountWindow.seeded(10, { calls: 4, failures: 4, timeouts: 0, slow: 0, running: 0 }).counts(),
    ).toMatchObject({
      calls: 4,
      failures: 4,
    });
    expect(
      CountWindow.seeded(10, { calls: 0, failures: 0, timeouts: 0, slow: 0, running: 0 }).counts().calls,
    ).toBe(0);
  });
});
