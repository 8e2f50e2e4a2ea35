import { describe, expect, it } from '@jest/globals';

import { manualClock } from '../testing/manual-clock.js';
import { LoadTracker } from './load-tracker.js';

const WINDOW = 10_000;

function tracker() {
  const clock = manualClock(1_000);
  return { clock, load: new LoadTracker({ decayWindowMs: WINDOW, defaultLatencyMs: 3, clock: clock.now }) };
}

describe(LoadTracker.name, () => {
  it('counts requests in flight until each one completes', () => {
    const { load } = tracker();
    const first = load.begin('a');
    const second = load.begin('a');
    load.begin('b');
    expect([load.inflight('a'), load.inflight('b'), load.inflight('c')]).toEqual([2, 1, 0]);
    first({ latencyMs: 5, ok: true });
    expect(load.inflight('a')).toBe(1);
    second({ latencyMs: 5, ok: true });
    expect(load.snapshot('a')).toMatchObject({ inflight: 0, requests: 2 });
  });

  it('counts a completion only once, however often it is called', () => {
    const { clock, load } = tracker();
    load.begin('a');
    const complete = load.begin('a');
    complete({ latencyMs: 10, ok: true });
    clock.advance(WINDOW);
    complete({ latencyMs: 1_000, ok: false });
    expect(load.snapshot('a')).toMatchObject({ inflight: 1, latencyEwmaMs: 10, requests: 2 });
    expect(load.errorRate('a')).toBe(0);
  });

  it('reports the default peak and zeros before any sample', () => {
    const { load } = tracker();
    expect(load.snapshot('new')).toEqual({
      inflight: 0,
      latencyEwmaMs: 0,
      peakEwmaMs: 3,
      errorRate: 0,
      requests: 0,
    });
  });

  it('moves the latency average by time elapsed, not by number of samples', () => {
    const { clock, load } = tracker();
    load.begin('a')({ latencyMs: 100, ok: true });
    clock.advance(WINDOW);
    load.begin('a')({ latencyMs: 0, ok: true });
    expect(load.latencyEwmaMs('a')).toBeCloseTo(100 * Math.exp(-1), 6);
    // A burst of fast samples within one millisecond barely moves it.
    for (let i = 0; i < 100; i++) load.begin('a')({ latencyMs: 0, ok: true });
    expect(load.latencyEwmaMs('a')).toBeCloseTo(100 * Math.exp(-1), 6);
  });

  it('jumps the peak average up to a slow sample at once and lets it fade over the window', () => {
    const { clock, load } = tracker();
    load.begin('a')({ latencyMs: 10, ok: true });
    clock.advance(1);
    load.begin('a')({ latencyMs: 200, ok: true });
    expect(load.peakEwmaMs('a')).toBe(200);
    expect(load.latencyEwmaMs('a')).toBeLessThan(11);

    // Idle for one window: the peak has faded to 1/e, so an endpoint that was slow once is tried again.
    clock.advance(WINDOW);
    const faded = 200 * Math.exp(-1);
    expect(load.peakEwmaMs('a')).toBeCloseTo(faded, 6);
    // A faster sample pulls the faded value further down towards it...
    load.begin('a')({ latencyMs: 10, ok: true });
    expect(load.peakEwmaMs('a')).toBeCloseTo(faded * Math.exp(-1) + 10 * (1 - Math.exp(-1)), 6);
    // ...and one slower than the faded value replaces it at once.
    clock.advance(1);
    load.begin('a')({ latencyMs: 100, ok: true });
    expect(load.peakEwmaMs('a')).toBe(100);
  });

  it('settles the peak average on a steady latency', () => {
    const { clock, load } = tracker();
    load.begin('a')({ latencyMs: 500, ok: true });
    for (let i = 0; i < 100; i++) {
      clock.advance(1_000);
      load.begin('a')({ latencyMs: 20, ok: true });
    }
    expect(load.peakEwmaMs('a')).toBeCloseTo(20, 6);
    expect(load.latencyEwmaMs('a')).toBeCloseTo(20, 1);
  });

  it('lets the peak of an idle endpoint fade towards zero', () => {
    const { clock, load } = tracker();
    load.begin('a')({ latencyMs: 200, ok: true });
    clock.advance(5 * WINDOW);
    expect(load.peakEwmaMs('a')).toBeLessThan(2);
  });

  it('tracks the error rate as a time-decayed share of failures', () => {
    const { clock, load } = tracker();
    for (let second = 0; second < 30; second++) {
      clock.advance(1_000);
      load.begin('a')({ latencyMs: 5, ok: false });
    }
    // 29 s of failures since it was first seen (the first one came at that very moment).
    expect(load.errorRate('a')).toBeCloseTo(1 - Math.exp(-2.9), 6);
    for (let second = 0; second < 30; second++) {
      clock.advance(1_000);
      load.begin('a')({ latencyMs: 5, ok: true });
    }
    expect(load.errorRate('a')).toBeLessThan(0.05);
  });

  it('forgets an endpoint that left, and ignores its late completions', () => {
    const { load } = tracker();
    const late = load.begin('a');
    load.begin('b');
    expect(load.ids().sort()).toEqual(['a', 'b']);
    load.forget('a');
    expect(load.ids()).toEqual(['b']);
    late({ latencyMs: 5, ok: true });
    expect(load.ids()).toEqual(['b']);
    expect(load.snapshot('a')).toMatchObject({ inflight: 0, requests: 0 });
  });

  it('starts a recovered endpoint afresh, ignoring the completions of calls that hung on it', () => {
    const { clock, load } = tracker();
    const hung = [load.begin('a'), load.begin('a')];
    load.begin('a')({ latencyMs: 9_000, ok: false });
    load.begin('b');
    clock.advance(1_000);

    load.reset('a');
    expect(load.snapshot('a')).toEqual({
      inflight: 0,
      latencyEwmaMs: 0,
      peakEwmaMs: 3,
      errorRate: 0,
      requests: 3,
    });
    for (const complete of hung) complete({ latencyMs: 10_000, ok: false });
    expect(load.snapshot('a')).toMatchObject({ inflight: 0, latencyEwmaMs: 0, errorRate: 0 });
    load.begin('a')({ latencyMs: 4, ok: true });
    expect(load.snapshot('a')).toMatchObject({ inflight: 0, latencyEwmaMs: 4, peakEwmaMs: 4, requests: 4 });
    // Other endpoints, and endpoints never seen, are untouched.
    load.reset('unknown');
    expect(load.ids().sort()).toEqual(['a', 'b']);
    expect(load.inflight('b')).toBe(1);
  });

  it('refuses a decay window that is not positive', () => {
    expect(() => new LoadTracker({ decayWindowMs: 0 })).toThrow(RangeError);
  });
});
