import { describe, expect, it } from '@jest/globals';

import { AdminAuthLimiter } from './admin-auth-limiter.js';

/** A limiter of 3 failures a minute, on a clock the test moves. */
function limiterAt(start = 0, options: { maxClients?: number } = {}) {
  const clock = { now: start };
  const limiter = new AdminAuthLimiter({
    maxFailures: 3,
    windowMs: 60_000,
    maxClients: options.maxClients,
    now: () => clock.now,
  });
  return { limiter, clock };
}

describe(AdminAuthLimiter.name, () => {
  it('refuses a client once it presented maxFailures wrong tokens, for a window after the last', () => {
    const { limiter, clock } = limiterAt();
    expect(limiter.recordFailure('10.0.0.1')).toBe(false);
    clock.now = 10_000;
    expect(limiter.recordFailure('10.0.0.1')).toBe(false);
    expect(limiter.check('10.0.0.1')).toEqual({ allowed: true });
    clock.now = 20_000;
    expect(limiter.recordFailure('10.0.0.1')).toBe(true);

    expect(limiter.check('10.0.0.1')).toEqual({ allowed: false, retryAfterMs: 60_000 });
    clock.now = 79_999;
    expect(limiter.check('10.0.0.1')).toEqual({ allowed: false, retryAfterMs: 1 });
    clock.now = 80_000;
    expect(limiter.check('10.0.0.1')).toEqual({ allowed: true });
  });

  it('reports a lockout once: failures recorded while locked do not lock it again', () => {
    const { limiter } = limiterAt();
    const locks = [1, 2, 3, 4, 5].map(() => limiter.recordFailure('10.0.0.1'));
    expect(locks).toEqual([false, false, true, false, false]);
  });

  it('counts failures within a window only: spread-out mistakes never lock a client out', () => {
    const { limiter, clock } = limiterAt();
    for (let minute = 0; minute < 10; minute += 1) {
      clock.now = minute * 60_000;
      expect(limiter.recordFailure('10.0.0.1')).toBe(false);
      clock.now += 30_000;
      expect(limiter.recordFailure('10.0.0.1')).toBe(false);
    }
    expect(limiter.check('10.0.0.1')).toEqual({ allowed: true });
  });

  it('starts counting afresh after a lockout ends, and after a right token', () => {
    const { limiter, clock } = limiterAt();
    [1, 2, 3].forEach(() => limiter.recordFailure('10.0.0.1'));
    clock.now = 60_000;
    expect(limiter.check('10.0.0.1')).toEqual({ allowed: true });
    expect(limiter.recordFailure('10.0.0.1')).toBe(false);
    expect(limiter.recordFailure('10.0.0.1')).toBe(false);
    limiter.recordSuccess('10.0.0.1');
    expect(limiter.recordFailure('10.0.0.1')).toBe(false);
    expect(limiter.recordFailure('10.0.0.1')).toBe(false);
    expect(limiter.check('10.0.0.1')).toEqual({ allowed: true });
  });

  it('leaves other clients alone', () => {
    const { limiter } = limiterAt();
    [1, 2, 3].forEach(() => limiter.recordFailure('10.0.0.1'));
    expect(limiter.check('10.0.0.1').allowed).toBe(false);
    expect(limiter.check('10.0.0.2')).toEqual({ allowed: true });
  });

  it('remembers at most maxClients, forgetting the one whose last failure is oldest', () => {
    const { limiter, clock } = limiterAt(0, { maxClients: 100 });
    [1, 2, 3].forEach(() => limiter.recordFailure('10.0.0.1'));
    limiter.recordFailure('10.0.0.2');
    for (let i = 0; i < 10_000; i += 1) {
      clock.now += 1;
      limiter.recordFailure(`172.16.${i >> 8}.${i & 255}`);
      expect(limiter.size).toBeLessThanOrEqual(100);
    }
    expect(limiter.size).toBe(100);
    // The sprayed addresses pushed the oldest entries out, the lockout among them.
    expect(limiter.check('10.0.0.1')).toEqual({ allowed: true });
    // The most recent ones are still counted.
    limiter.recordFailure('172.16.39.15');
    expect(limiter.recordFailure('172.16.39.15')).toBe(true);
  });
});
