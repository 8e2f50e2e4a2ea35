import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

import { type BreakerSettings } from './breaker-settings.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { CircuitOpenError } from './errors.js';
import { boom, deferred, hang, ok, record, run } from './testing/breaker-fixtures.js';

/**
 * A shard breaker as user-service would set it against a frozen server: the last 10 calls, open
 * when half of them ran past 1 s. No call timeout, so nothing but the slow-call rule notices a hang.
 */
const SLOW_CALLS: Partial<BreakerSettings> = {
  slidingWindowCalls: 10,
  volumeThreshold: 10,
  errorThresholdPercentage: 50,
  slowCallDurationMs: 1_000,
  slowCallRateThreshold: 50,
  resetTimeoutMs: 30_000,
  callTimeoutMs: 0,
  halfOpenMaxProbes: 1,
};

const swallow = () => undefined;

describe(`${CircuitBreaker.name} with the slow-call rule (slowCallDurationMs)`, () => {
  let breakers: CircuitBreaker[] = [];
  const make = (settings: Partial<BreakerSettings> = {}) => {
    const made = new CircuitBreaker({ name: 'shard:a', settings: { ...SLOW_CALLS, ...settings } });
    breakers.push(made);
    return made;
  };
  /** Starts calls that never settle, as against a SIGSTOPped server. */
  const startHanging = (target: CircuitBreaker, count: number) => {
    for (let i = 0; i < count; i++) target.execute(hang).catch(swallow);
  };

  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    for (const made of breakers) made.shutdown();
    breakers = [];
    jest.useRealTimers();
  });

  it('opens while the slow calls still hang, and refuses the next caller at once', async () => {
    const target = make();
    await run(target, 5, ok);
    startHanging(target, 5);
    const log = record(target);

    await jest.advanceTimersByTimeAsync(1_000);
    expect(target.state).toBe('closed'); // running exactly 1 s is not past it
    await jest.advanceTimersByTimeAsync(1);
    const work = jest.fn(ok);
    const refused = await target.execute(work).catch((e: unknown) => e);

    expect(work).not.toHaveBeenCalled();
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect(refused).toMatchObject({ state: 'open', retryAfterSeconds: 30 });
    expect(log).toEqual([...Array<string>(5).fill('slow:1001:running'), 'closed -> open', 'reject']);
    expect(target.stats()).toMatchObject({
      calls: 10,
      successes: 5, // the hung calls have neither succeeded nor failed
      failures: 0,
      slowCalls: 5,
      slowCallPercentage: 50,
    });
  });

  it('does not open one slow call earlier than the rate says', async () => {
    const target = make();
    await run(target, 6, ok);
    startHanging(target, 4);
    await jest.advanceTimersByTimeAsync(1_001);

    // 4 slow of 10: this call is let through, and pushes out a success (still 4 of 10).
    await expect(target.execute(ok)).resolves.toBe('ok');
    expect(target.stats()).toMatchObject({ calls: 10, slowCalls: 4, slowCallPercentage: 40 });

    startHanging(target, 1);
    await jest.advanceTimersByTimeAsync(1_001);
    expect(target.state).toBe('open'); // 5 of 10
  });

  it('keeps no timer per call: the calls in flight are looked at when the breaker is used', () => {
    const target = make();
    const timers = jest.getTimerCount();
    startHanging(target, 100);
    expect(jest.getTimerCount()).toBe(timers);
  });

  it('counts hanging closedPermit calls the same way, and then gives no permit', async () => {
    const target = make();
    for (let i = 0; i < 5; i++) target.closedPermit()!.succeeded();
    const neverReported = Array.from({ length: 5 }, () => target.closedPermit());
    expect(neverReported).not.toContain(undefined);

    await jest.advanceTimersByTimeAsync(1_001);
    expect(target.closedPermit()).toBeUndefined();
    expect(target.state).toBe('open');
    await expect(target.execute(ok)).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it('with a hung dependency in half-open, lets one probe wait per reset period and refuses the rest at once', async () => {
    const target = make();
    await run(target, 10, boom);
    await jest.advanceTimersByTimeAsync(30_000);
    expect(target.state).toBe('half-open');
    const log = record(target);

    let reached = 0;
    const probe = () => {
      reached++;
      return hang();
    };
    target.execute(probe).catch(swallow);
    await expect(target.execute(probe)).rejects.toMatchObject({ state: 'half-open' });

    // The probe is overdue: a failed probe. The caller that finds it is refused, the breaker open.
    await jest.advanceTimersByTimeAsync(1_001);
    await expect(target.execute(probe)).rejects.toMatchObject({ state: 'open', retryAfterSeconds: 30 });
    expect(log).toEqual(['reject', 'slow:1001:running', 'half-open -> open', 'reject']);

    await jest.advanceTimersByTimeAsync(30_000);
    for (let i = 0; i < 5; i++) target.execute(probe).catch(swallow);
    expect(reached).toBe(2); // one probe per reset period
    expect(target.state).toBe('half-open');
  });

  it('re-opens when a half-open probe succeeds, but slowly', async () => {
    const target = make();
    await run(target, 10, boom);
    await jest.advanceTimersByTimeAsync(30_000);
    const log = record(target);

    const probe = target.execute(() => new Promise((resolve) => setTimeout(() => resolve('late'), 1_500)));
    await jest.advanceTimersByTimeAsync(1_500);

    await expect(probe).resolves.toBe('late');
    expect(target.state).toBe('open');
    expect(log).toEqual(['slow:1500', 'success', 'half-open -> open']);
  });

  it.each([5_000, 0])(
    'counts a call that finishes past the duration once, whether or not it was seen running (callTimeoutMs %i)',
    async (callTimeoutMs) => {
      const target = make({ callTimeoutMs });
      const log = record(target);
      const unseen = deferred<string>();
      const seen = deferred<string>();
      const first = target.execute(() => unseen.promise);
      await jest.advanceTimersByTimeAsync(1_500);
      unseen.resolve('unseen');
      await first;

      const second = target.execute(() => seen.promise);
      await jest.advanceTimersByTimeAsync(1_001);
      expect(target.stats()).toMatchObject({ calls: 2, slowCalls: 2 }); // the second, still running
      await jest.advanceTimersByTimeAsync(499);
      seen.resolve('seen');
      await second;

      expect(log).toEqual(['slow:1500', 'success', 'slow:1001:running', 'success']);
      expect(target.stats()).toMatchObject({ calls: 2, successes: 2, slowCalls: 2, slowCallPercentage: 100 });
    },
  );

  it.each([5_000, 0])(
    'adds the failure of a call counted slow while running to that same call (callTimeoutMs %i)',
    async (callTimeoutMs) => {
      const target = make({ callTimeoutMs });
      const log = record(target);
      const call = deferred<string>();
      const outcome = target.execute(() => call.promise).catch((e: unknown) => e);
      await jest.advanceTimersByTimeAsync(1_001);
      expect(target.stats()).toMatchObject({ calls: 1, slowCalls: 1, failures: 0 });

      call.reject(new Error('connection reset'));
      await outcome;
      expect(target.stats()).toMatchObject({ calls: 1, slowCalls: 1, failures: 1 });
      expect(log).toEqual(['slow:1001:running', 'failure:error']);
    },
  );

  it('with a call timeout too, opens on the slow calls first; their timeouts later count on the same calls', async () => {
    const target = make({ callTimeoutMs: 5_000 });
    await run(target, 5, ok);
    startHanging(target, 5);
    await jest.advanceTimersByTimeAsync(1_001);
    expect(target.state).toBe('open');

    await jest.advanceTimersByTimeAsync(4_000);
    expect(target.stats()).toMatchObject({ calls: 10, slowCalls: 5, timeouts: 5, failures: 5 });
  });

  describe('over the time window (slidingWindowCalls 0)', () => {
    const timeWindow = { slidingWindowCalls: 0, volumeThreshold: 4 };

    it('opens while the slow calls hang', async () => {
      const target = make(timeWindow);
      await run(target, 2, ok);
      startHanging(target, 2);
      await jest.advanceTimersByTimeAsync(1_001);
      expect(target.stats()).toMatchObject({ state: 'open', slowCalls: 2, slowCallPercentage: 50 });
    });

    it('forgets slow calls that slid out of the rolling window', async () => {
      const target = make({ ...timeWindow, volumeThreshold: 10 });
      startHanging(target, 4);
      await jest.advanceTimersByTimeAsync(1_001);
      expect(target.stats()).toMatchObject({ state: 'closed', slowCalls: 4, slowCallPercentage: 100 });

      await jest.advanceTimersByTimeAsync(10_000);
      expect(target.stats()).toMatchObject({ slowCalls: 0, slowCallPercentage: 0 });
    });

    it('leaves the error rule to opossum: above the threshold', async () => {
      const target = make({ ...timeWindow, volumeThreshold: 10 });
      await run(target, 5, ok);
      await run(target, 5, boom);
      expect(target.state).toBe('closed');
      await run(target, 1, boom);
      expect(target.state).toBe('open');
    });
  });

  it('is off by default: no slow calls, however long a call runs', async () => {
    const target = new CircuitBreaker({ name: 'orders/i-1', settings: { callTimeoutMs: 0 } });
    breakers.push(target);
    const log = record(target);
    const call = deferred<string>();
    const running = target.execute(() => call.promise);
    await jest.advanceTimersByTimeAsync(60_000);
    call.resolve('slow');
    await running;

    expect(log).toEqual(['success']);
    expect(target.stats()).toMatchObject({ calls: 1, slowCalls: 0, slowCallPercentage: 0 });
  });

  it('keeps watching the calls in flight across a settings update', async () => {
    const target = make();
    await run(target, 6, ok);
    startHanging(target, 4);

    target.updateSettings({ slowCallRateThreshold: 40 });
    await jest.advanceTimersByTimeAsync(1_001);
    expect(target.state).toBe('open');
  });
});
