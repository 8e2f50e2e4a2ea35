import { describe, expect, it } from '@jest/globals';

import { RateLimiter } from './rate-limiter.js';

describe(RateLimiter.name, () => {
  it('lets a burst through, then refuses with the seconds until the next token', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 2, burst: 3, now: () => now });
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now = 500; // one token back at 2 per second
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('keeps one bucket per client, so one noisy client does not limit another', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1, now: () => 0 });
    expect(limiter.take('noisy').allowed).toBe(true);
    expect(limiter.take('noisy').allowed).toBe(false);
    expect(limiter.take('quiet').allowed).toBe(true);
  });

  it('holds the sustained rate over time, never more', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 100, burst: 10, now: () => now });
    let allowed = 0;
    for (let ms = 0; ms < 10_000; ms++) {
      now = ms;
      if (limiter.take('a').allowed) allowed++;
    }
    expect(allowed).toBeGreaterThanOrEqual(1_000);
    expect(allowed).toBeLessThanOrEqual(1_010);
  });

  it('forgets the least recently seen clients beyond its limit, so memory stays bounded', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1, now: () => 0, maxClients: 2 });
    limiter.take('a');
    limiter.take('b');
    limiter.take('c'); // 'a' is forgotten and starts again with a full bucket
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('c').allowed).toBe(false);
  });

  it('does nothing when the limit is 0', () => {
    const limiter = new RateLimiter({ perSecond: 0, burst: 1 });
    expect(limiter.enabled).toBe(false);
    for (let i = 0; i < 100; i++) expect(limiter.take('a').allowed).toBe(true);
  });
});
