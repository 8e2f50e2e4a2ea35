import { describe, expect, it } from '@jest/globals';

import { Liveness } from './liveness.js';
import type { ServiceInstance } from './service-instance.js';

function instance(id: string, heartbeatAt: number, ttlMs = 1_000): ServiceInstance {
  return {
    id,
    service: 's',
    host: '127.0.0.1',
    port: 1,
    url: 'http://127.0.0.1:1',
    version: '1',
    zone: 'z',
    metadata: {},
    status: 'up',
    ttlMs,
    heartbeatAt,
    startedAt: 0,
    weight: 1,
  };
}

describe(Liveness.name, () => {
  it('expires an instance once its last heartbeat is older than its TTL, while the topic is readable', () => {
    let now = 10_000;
    const liveness = new Liveness({ selfPreservationAfterMs: 3_000, now: () => now });
    const a = instance('a', 10_000);
    now = 10_900;
    liveness.contact();
    expect(liveness.isExpired(a, now)).toBe(false);
    now = 11_001;
    liveness.contact();
    expect(liveness.update(['a'])).toBeUndefined();
    expect(liveness.isExpired(a, now)).toBe(true);
  });

  it('stops expiring anything after losing contact, and says when it entered and left', () => {
    let now = 0;
    const liveness = new Liveness({ selfPreservationAfterMs: 3_000, now: () => now });
    const a = instance('a', 0);
    now = 2_999;
    expect(liveness.update(['a'])).toBeUndefined();
    now = 3_001;
    expect(liveness.update(['a'])).toBe('entered');
    expect(liveness.selfPreserving).toBe(true);
    now = 60_000; // a whole minute without heartbeats: still kept
    expect(liveness.isExpired(a, now)).toBe(false);
    liveness.contact();
    expect(liveness.update(['a'])).toBe('left');
    expect(liveness.selfPreserving).toBe(false);
  });

  it('gives instances kept through an outage a fresh TTL from the moment contact returns', () => {
    let now = 0;
    const liveness = new Liveness({ selfPreservationAfterMs: 3_000, now: () => now });
    const kept = instance('kept', 0, 1_000);
    const unknown = instance('unknown', 0, 1_000);
    now = 5_000;
    liveness.update(['kept']);
    now = 30_000;
    liveness.contact();
    liveness.update(['kept']);
    expect(liveness.isExpired(kept, 30_500)).toBe(false);
    expect(liveness.isExpired(kept, 31_001)).toBe(true);
    // A stale record the view never held (e.g. read again from the start) gets no grace.
    expect(liveness.isExpired(unknown, 30_500)).toBe(true);
  });
});
