import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

import { type BreakerSettings } from './breaker-settings.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { boom, ok, record, run } from './testing/breaker-fixtures.js';

/** The last 10 calls, judged once the window holds 10. */
const COUNT_WINDOW: Partial<BreakerSettings> = {
  slidingWindowCalls: 10,
  volumeThreshold: 10,
  errorThresholdPercentage: 50,
  resetTimeoutMs: 30_000,
};

/** A closed call with a call timeout goes through opossum; one without takes the fast path. */
const CALL_TIMEOUTS = [1_000, 0];

describe(`${CircuitBreaker.name} with a count window (slidingWindowCalls)`, () => {
  let breakers: CircuitBreaker[] = [];
  const make = (settings: Partial<BreakerSettings> = {}) => {
    const made = new CircuitBreaker({ name: 'shard:a', settings: { ...COUNT_WINDOW, ...settings } });
    breakers.push(made);
    return made;
  };

  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    for (const made of breakers) made.shutdown();
    breakers = [];
    jest.useRealTimers();
  });

  it.each(CALL_TIMEOUTS)(
    'opens at the call that puts failures above the threshold, not one call earlier (callTimeoutMs %i)',
    async (callTimeoutMs) => {
      const target = make({ callTimeoutMs });
      await run(target, 5, ok);
      await run(target, 5, boom);
      expect(target.stats()).toMatchObject({ calls: 10, failures: 5, errorPercentage: 50 });
      expect(target.state).toBe('closed');

      await run(target, 1, boom);
      expect(target.state).toBe('open');
    },
  );

  it.each(CALL_TIMEOUTS)(
    'judges only the last N calls: older failures slide out as new calls come in (callTimeoutMs %i)',
    async (callTimeoutMs) => {
      const target = make({ callTimeoutMs });
      await run(target, 5, boom);
      await run(target, 5, ok);
      // Each new failure pushes out one of the first five: the window stays at 5 of 10.
      await run(target, 5, boom);
      expect(target.stats()).toMatchObject({ calls: 10, failures: 5 });
      expect(target.state).toBe('closed');

      // Now the new failure pushes out a success: 6 of 10.
      await run(target, 1, boom);
      expect(target.state).toBe('open');
    },
  );

  it.each(CALL_TIMEOUTS)(
    'stays closed below the volume threshold, however many fail (callTimeoutMs %i)',
    async (callTimeoutMs) => {
      const target = make({ callTimeoutMs, slidingWindowCalls: 20 });
      await run(target, 9, boom);
      expect(target.stats()).toMatchObject({ calls: 9, failures: 9, errorPercentage: 100 });
      expect(target.state).toBe('closed');

      await run(target, 1, boom);
      expect(target.state).toBe('open');
    },
  );

  it('judges after every call, so the call that reaches the volume threshold opens it even if it succeeded', async () => {
    const target = make({ callTimeoutMs: 0 });
    const log = record(target);
    await run(target, 9, boom);
    await run(target, 1, ok);

    expect(target.state).toBe('open');
    expect(log.slice(-2)).toEqual(['success', 'closed -> open']);
  });

  it('is what judges, not opossum’s time window: old successes in the same 10 s do not dilute it', async () => {
    const target = make({ callTimeoutMs: 0 });
    await run(target, 40, ok);
    await run(target, 6, boom);
    // The rolling time window would hold 6 failures of 46 calls (13%); the last 10 hold 6 of 10.
    expect(target.state).toBe('open');
  });

  it('lets 10 s pass without forgetting: the window is calls, not time', async () => {
    const target = make({ callTimeoutMs: 0 });
    await run(target, 9, boom);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(target.stats()).toMatchObject({ calls: 9, failures: 9 });
    await run(target, 1, boom);
    expect(target.state).toBe('open');
  });

  it('starts empty when half-open, and a probe decides as with the time window', async () => {
    const target = make({ callTimeoutMs: 0 });
    await run(target, 10, boom);
    await jest.advanceTimersByTimeAsync(30_000);
    expect(target.state).toBe('half-open');

    await run(target, 1, ok);
    expect(target.state).toBe('closed');
    expect(target.stats()).toMatchObject({ calls: 1, successes: 1, failures: 0 });
  });

  it('counts closedPermit calls in the same window', async () => {
    const target = make({ callTimeoutMs: 0 });
    for (let i = 0; i < 4; i++) target.closedPermit()!.succeeded();
    for (let i = 0; i < 6; i++)
      await target
        .closedPermit()!
        .failed(new Error('refused'))
        .catch(() => undefined);
    expect(target.state).toBe('open');
    expect(target.closedPermit()).toBeUndefined();
  });

  describe('updateSettings', () => {
    it('resizing keeps the newest calls', async () => {
      const target = make({ callTimeoutMs: 0 });
      await run(target, 5, boom);
      await run(target, 5, ok);

      target.updateSettings({ slidingWindowCalls: 5, volumeThreshold: 5 });
      expect(target.stats()).toMatchObject({ calls: 5, failures: 0 });
      await run(target, 2, boom);
      expect(target.state).toBe('closed');
      await run(target, 1, boom);
      expect(target.state).toBe('open');
    });

    it('from the time window, starts with up to N calls at its rates', async () => {
      const target = make({ callTimeoutMs: 0, slidingWindowCalls: 0 });
      await run(target, 8, ok);
      await run(target, 8, boom);

      target.updateSettings({ slidingWindowCalls: 10 });
      expect(target.stats()).toMatchObject({ calls: 10, failures: 5 });
      expect(target.state).toBe('closed');
      // The next failure pushes out a seeded success: 6 of 10.
      await run(target, 1, boom);
      expect(target.state).toBe('open');
    });

    it('back to the time window, gives it the count window’s counts', async () => {
      const target = make({ callTimeoutMs: 0 });
      await run(target, 4, ok);
      await run(target, 4, boom);

      target.updateSettings({ slidingWindowCalls: 0 });
      expect(target.stats()).toMatchObject({ calls: 8, successes: 4, failures: 4 });
      await run(target, 2, boom);
      expect(target.state).toBe('open'); // opossum's rule: 6 of 10, at the volume threshold
    });
  });
});
