import { describe, expect, it } from '@jest/globals';

import { type BreakerSettings, DEFAULT_BREAKER_SETTINGS } from './breaker-settings.js';
import { CallLedger, ledgerCall } from './call-ledger.js';
import { NO_CALLS, Outcome } from './call-window.js';

const settings = (overrides: Partial<BreakerSettings>): BreakerSettings => ({
  ...DEFAULT_BREAKER_SETTINGS,
  volumeThreshold: 4,
  ...overrides,
});
const COUNT = settings({ slidingWindowCalls: 10 });
const SLOW = settings({ slowCallDurationMs: 1_000, slowCallRateThreshold: 50 });
const COUNT_AND_SLOW = settings({
  slidingWindowCalls: 10,
  slowCallDurationMs: 1_000,
  slowCallRateThreshold: 50,
});

function ledgerFor(value: BreakerSettings): CallLedger {
  const ledger = CallLedger.for(value, 0, undefined, NO_CALLS);
  if (!ledger) throw new Error('expected a ledger');
  return ledger;
}

/** Begins a call at `startedAtMs` and finishes it at `endedAtMs` with `outcome`. */
function call(ledger: CallLedger, startedAtMs: number, endedAtMs: number, outcome: number = Outcome.success) {
  const running = ledgerCall(startedAtMs, undefined);
  ledger.begin(running);
  return ledger.finish(running, outcome, endedAtMs);
}

describe(CallLedger.name, () => {
  it('is not needed with the defaults: no count window, no slow-call rule', () => {
    expect(CallLedger.for(DEFAULT_BREAKER_SETTINGS, 0, undefined, NO_CALLS)).toBeUndefined();
  });

  it('over a count window, judges the error rule itself', () => {
    const ledger = ledgerFor(COUNT);
    expect(ledger).toMatchObject({ judgesErrors: true, watches: false });
    for (let i = 0; i < 3; i++) call(ledger, 0, 1, Outcome.failure);
    expect(ledger.trips(1)).toBe(false);
    call(ledger, 0, 1, Outcome.failure);
    expect(ledger.trips(1)).toBe(true);
  });

  it('beside opossum’s time window, judges slow calls only', () => {
    const ledger = ledgerFor(SLOW);
    expect(ledger).toMatchObject({ judgesErrors: false, watches: true });
    for (let i = 0; i < 4; i++) call(ledger, 0, 1, Outcome.failure);
    expect(ledger.trips(1)).toBe(false);
  });

  it('counts a call slow when it finishes past the duration, not at it', () => {
    const ledger = ledgerFor(COUNT_AND_SLOW);
    expect(call(ledger, 0, 1_000)).toBe(false);
    expect(call(ledger, 0, 1_001)).toBe(true);
    expect(ledger.counts(1_001)).toMatchObject({ calls: 2, slow: 1 });
  });

  it('counts calls still running past the duration, oldest first, once each', () => {
    const ledger = ledgerFor(COUNT_AND_SLOW);
    const hung = [0, 10, 20, 2_000].map((at) => ledgerCall(at, undefined));
    for (const running of hung) ledger.begin(running);

    expect(ledger.takeOverdue(1_000)).toBeUndefined();
    expect(ledger.takeOverdue(1_011)).toBe(hung[0]);
    expect(ledger.takeOverdue(1_011)).toBe(hung[1]);
    expect(ledger.takeOverdue(1_011)).toBeUndefined();
    expect(ledger.counts(1_011)).toMatchObject({ calls: 2, slow: 2, running: 2 });

    // Finishing later does not count them again: their entries get their outcomes.
    expect(ledger.finish(hung[0]!, Outcome.success, 5_000)).toBe(false);
    expect(ledger.finish(hung[1]!, Outcome.timeout, 5_000)).toBe(false);
    expect(ledger.counts(5_000)).toEqual({ calls: 2, failures: 1, timeouts: 1, slow: 2, running: 0 });
    expect(ledger.takeOverdue(5_000)).toBe(hung[2]);
  });

  it('opens on slow calls at or above the rate, once the window holds the volume threshold', () => {
    const ledger = ledgerFor(COUNT_AND_SLOW);
    call(ledger, 0, 10);
    call(ledger, 0, 10);
    for (const at of [100, 200]) ledger.begin(ledgerCall(at, undefined));
    expect(ledger.takeOverdue(1_150)).toBeDefined();
    expect(ledger.trips(1_150)).toBe(false); // 3 calls, under the volume threshold
    expect(ledger.takeOverdue(1_250)).toBeDefined();
    expect(ledger.trips(1_250)).toBe(true); // 2 slow of 4: 50%
  });

  it('after a restart (half-open), counts nothing of the calls admitted before', () => {
    const ledger = ledgerFor(COUNT_AND_SLOW);
    const before = ledgerCall(0, undefined);
    const hungBefore = ledgerCall(0, undefined);
    ledger.begin(before);
    ledger.begin(hungBefore);
    ledger.restart(500);

    ledger.finish(before, Outcome.failure, 600);
    expect(ledger.takeOverdue(1_001)).toBe(hungBefore);
    expect(ledger.counts(1_001)).toEqual(NO_CALLS);
  });

  describe('for, over a previous ledger', () => {
    const previous = () => {
      const ledger = ledgerFor(COUNT_AND_SLOW);
      for (const outcome of [Outcome.failure, Outcome.failure, Outcome.success, Outcome.success]) {
        call(ledger, 0, 1, outcome);
      }
      call(ledger, 0, 2_000);
      return ledger;
    };

    it('count window → smaller count window: keeps the newest calls', () => {
      const smaller = settings({ slidingWindowCalls: 3, volumeThreshold: 3 });
      const next = CallLedger.for(smaller, 0, previous(), NO_CALLS);
      expect(next?.counts(0)).toEqual({ calls: 3, failures: 0, timeouts: 0, slow: 1, running: 0 });
    });

    it('count window → time window: its counts carry over', () => {
      const next = CallLedger.for(SLOW, 0, previous(), NO_CALLS);
      expect(next?.judgesErrors).toBe(false);
      expect(next?.counts(0)).toEqual({ calls: 5, failures: 2, timeouts: 0, slow: 1, running: 0 });
    });

    it('time window → count window: opossum’s counts, with the slow share the slow-call window saw', () => {
      const timed = ledgerFor(SLOW);
      call(timed, 0, 1);
      call(timed, 0, 2_000);
      const opossum = { calls: 20, failures: 10, timeouts: 2, slow: 0, running: 0 };
      const next = CallLedger.for(COUNT_AND_SLOW, 3_000, timed, opossum);
      expect(next?.counts(3_000)).toEqual({ calls: 10, failures: 5, timeouts: 1, slow: 5, running: 0 });
    });

    it('keeps watching the calls in flight while the slow-call rule stays on', () => {
      const ledger = ledgerFor(COUNT_AND_SLOW);
      const hung = ledgerCall(0, undefined);
      ledger.begin(hung);
      const next = CallLedger.for(settings({ slowCallDurationMs: 500 }), 100, ledger, NO_CALLS);
      expect(next?.takeOverdue(501)).toBe(hung);
      expect(next?.counts(501)).toMatchObject({ calls: 1, slow: 1, running: 1 });
    });
  });
});
