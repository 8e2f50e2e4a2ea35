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
    track: 'stable',
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
    expect(liveness.update()).toBeUndefined();
    expect(liveness.isExpired(a, now)).toBe(true);
  });

  it('counts a heartbeat stamped in the future from its arrival: a producer clock an hour ahead still expires one TTL later', () => {
    let now = 10_000;
    const liveness = new Liveness({ selfPreservationAfterMs: 3_000, now: () => now });
    const ahead = { ...instance('ahead', 10_000 + 3_600_000), receivedAt: 10_000 };
    now = 10_900;
    liveness.contact();
    expect(liveness.isExpired(ahead, now)).toBe(false);
    now = 11_001;
    liveness.contact();
    expect(liveness.isExpired(ahead, now)).toBe(true);
    // A heartbeat stamped behind its arrival (a slow topic, a clock behind) still counts from its stamp.
    const behind = { ...instance('behind', 10_000), receivedAt: 10_800 };
    expect(liveness.isExpired(behind, now)).toBe(true);
  });

  it('stops every TTL as soon as a read is overdue, even a TTL shorter than the self-preservation delay', () => {
    let now = 0;
    const liveness = new Liveness({ selfPreservationAfterMs: 3_000, contactGapMs: 1_000, now: () => now });
    const a = instance('a', 0, 1_500);
    now = 900;
    liveness.contact(); // the last read before Kafka goes away
    now = 2_999;
    expect(liveness.update()).toBeUndefined();
    expect(liveness.isExpired(a, now)).toBe(false); // heartbeat 3 s old, but only 0.9 s of it readable
    now = 3_901;
    expect(liveness.update()).toBe('entered');
    expect(liveness.selfPreserving).toBe(true);
    now = 60_000; // a whole minute without heartbeats: still kept
    expect(liveness.isExpired(a, now)).toBe(false);
    liveness.contact();
    expect(liveness.update()).toBe('left');
    expect(liveness.selfPreserving).toBe(false);
  });

  it('gives every instance live when contact was lost a whole TTL once it returns', () => {
    let now = 0;
    // No recovery grace: the TTL alone (the next tests show the grace a short TTL gets on top).
    const liveness = new Liveness({ selfPreservationAfterMs: 3_000, recoveryGraceMs: 0, now: () => now });
    const kept = instance('kept', 0, 1_000);
    now = 5_000;
    liveness.update();
    now = 30_000;
    liveness.contact(); // 30 s without contact: none of it counts
    liveness.update();
    now = 30_600;
    liveness.contact();
    expect(liveness.isExpired(kept, now)).toBe(false);
    // A record first read after the outage is judged the same way: one expired before it stays dead.
    expect(liveness.isExpired(instance('stale', -5_000, 1_000), now)).toBe(true);
    expect(liveness.isExpired(instance('was-live', -900, 1_000), now)).toBe(false);
    now = 31_001;
    liveness.contact();
    expect(liveness.isExpired(kept, now)).toBe(true);
    expect(liveness.isExpired(instance('recent', 30_500, 1_000), now)).toBe(false);
  });

  it('does not expire an instance whose last beat before the outage was nearly a TTL old, before it can beat again', () => {
    let now = 0;
    const liveness = new Liveness({ selfPreservationAfterMs: 3_000, now: () => now });
    const late = instance('late', -900, 1_000); // 100 ms left when the broker went away
    now = 20_000;
    liveness.contact();
    // Its publisher is still reconnecting: a 1 s TTL is too short for that, so the 5 s grace holds.
    for (let t = 20_800; t <= 24_800; t += 800) {
      now = t;
      liveness.contact();
    }
    expect(liveness.isExpired(late, now)).toBe(false);
    now = 25_001;
    liveness.contact();
    expect(liveness.isExpired(late, now)).toBe(true); // it died during the outage: gone when the grace ends
  });

  it('keeps that grace through the short gaps that follow a return, while the new consumer settles', () => {
    let now = 0;
    const liveness = new Liveness({ selfPreservationAfterMs: 3_000, contactGapMs: 1_000, now: () => now });
    const kept = instance('kept', 0, 2_000);
    now = 30_000;
    liveness.contact(); // back after 30 s
    now = 32_000;
    liveness.contact(); // then 2 s more without a read (a pause, not an outage) while the consumer joins its group
    // Live at the start of each gap, so the grace counts from the end of the last one.
    for (let t = 32_900; t <= 36_900; t += 900) {
      now = t;
      liveness.contact();
    }
    expect(liveness.isExpired(kept, now)).toBe(false);
    now = 37_001;
    liveness.contact();
    expect(liveness.isExpired(kept, now)).toBe(true);
    // Dead before the first gap began: no gap revives it.
    expect(liveness.isExpired(instance('dead', -3_000, 2_000), now)).toBe(true);
  });

  it('gives a TTL longer than the grace in full after a return', () => {
    let now = 0;
    const liveness = new Liveness({ selfPreservationAfterMs: 3_000, recoveryGraceMs: 5_000, now: () => now });
    const kept = instance('kept', 0, 10_000);
    now = 20_000;
    liveness.contact();
    for (let t = 20_900; t <= 29_900; t += 900) {
      now = t;
      liveness.contact();
    }
    expect(liveness.isExpired(kept, now)).toBe(false);
    now = 30_001;
    liveness.contact();
    expect(liveness.isExpired(kept, now)).toBe(true);
  });

  it('gives only a TTL after a short stutter of its own reads, which did not cut the publishers off', () => {
    let now = 0;
    const liveness = new Liveness({ selfPreservationAfterMs: 3_000, recoveryGraceMs: 5_000, now: () => now });
    const kept = instance('kept', 0, 2_000);
    now = 500;
    liveness.contact();
    now = 2_000; // 1.5 s without a read: a pause, not an outage
    liveness.contact();
    now = 2_900;
    liveness.contact();
    now = 3_800;
    liveness.contact();
    expect(liveness.isExpired(kept, now)).toBe(false);
    now = 4_001;
    liveness.contact();
    expect(liveness.isExpired(kept, now)).toBe(true); // a TTL from the end of the pause, not the grace
  });

  it('keeps an instance restored from the snapshot while Kafka never answered, and expires it by the TTL rules once it does', () => {
    let now = 100_000;
    const liveness = new Liveness({ selfPreservationAfterMs: 3_000, recoveryGraceMs: 5_000, now: () => now });
    // Written to the snapshot by a previous run: its last heartbeat is 80 s old.
    now = 105_000;
    const restored = { ...instance('a', 20_000, 3_000), restoredAt: now };
    now = 400_000; // five minutes with Kafka frozen: nothing has been heard, so nothing is judged
    expect(liveness.update()).toBe('entered');
    expect(liveness.isExpired(restored, now)).toBe(false);

    liveness.contact(); // Kafka answers: the restore counts as a heartbeat at the start of the outage
    const readFor = (ms: number) => {
      for (const end = now + ms; now < end;) {
        now = Math.min(end, now + 500);
        liveness.contact();
      }
    };
    readFor(4_900); // within the recovery grace (longer than its TTL): a record could still come
    expect(liveness.isExpired(restored, now)).toBe(false);
    readFor(200);
    expect(liveness.isExpired(restored, now)).toBe(true);
  });

  it('gives a restored instance a TTL from the restore while the topic is readable', () => {
    let now = 0;
    const liveness = new Liveness({ selfPreservationAfterMs: 3_000, now: () => now });
    const restored = { ...instance('a', -60_000, 2_000), restoredAt: 0 };
    for (now = 250; now <= 1_750; now += 250) liveness.contact();
    expect(liveness.isExpired(restored, 2_000)).toBe(false);
    now = 2_001;
    liveness.contact();
    expect(liveness.isExpired(restored, now)).toBe(true);
  });
});
