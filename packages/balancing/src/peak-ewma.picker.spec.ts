import { describe, expect, it } from '@jest/globals';

import { type CompleteRequest, LoadTracker } from './load/load-tracker.js';
import { PeakEwmaPicker } from './peak-ewma.picker.js';
import { manualClock } from './testing/manual-clock.js';
import { seededRandom } from './testing/seeded-random.js';

const endpoints = ['e1', 'e2', 'e3', 'e4', 'slow'].map((id) => ({ id }));

/**
 * Sends `requests` requests, one every `intervalMs`, through a peak-EWMA picker; each one takes
 * `latencyOf(id, index)` and reports to the tracker when it ends on the fake clock. Returns the picks.
 */
function simulate(requests: number, intervalMs: number, latencyOf: (id: string, index: number) => number) {
  const clock = manualClock();
  const load = new LoadTracker({ clock: clock.now });
  const picker = new PeakEwmaPicker({ load, random: seededRandom(11) });
  const pending: { endsAt: number; latencyMs: number; complete: CompleteRequest }[] = [];
  const picks: string[] = [];
  for (let index = 0; index < requests; index++) {
    const arrival = clock.now() + intervalMs;
    pending.sort((x, y) => x.endsAt - y.endsAt);
    while (pending.length > 0 && pending[0]!.endsAt <= arrival) {
      const next = pending.shift()!;
      clock.advance(next.endsAt - clock.now());
      next.complete({ latencyMs: next.latencyMs, ok: true });
    }
    clock.advance(arrival - clock.now());
    const id = picker.pick(endpoints)!.id;
    const latencyMs = latencyOf(id, index);
    pending.push({ endsAt: arrival + latencyMs, latencyMs, complete: load.begin(id) });
    picks.push(id);
  }
  return picks;
}

const shareOf = (id: string, picks: string[]) => picks.filter((pick) => pick === id).length / picks.length;

describe(PeakEwmaPicker.name, () => {
  it('moves load off a slow endpoint within a few hundred requests', () => {
    const picks = simulate(300, 1, (id) => (id === 'slow' ? 200 : 5));
    expect(shareOf('slow', picks.slice(-100))).toBeLessThan(0.05);
    for (const id of ['e1', 'e2', 'e3', 'e4']) expect(shareOf(id, picks.slice(-100))).toBeGreaterThan(0.15);
  });

  it('tries a recovered endpoint again once its peak has faded, and gives it its share back', () => {
    const picks = simulate(6_000, 10, (id, index) => (id === 'slow' && index < 300 ? 200 : 5));
    expect(shareOf('slow', picks.slice(300, 1_000))).toBeLessThan(0.05);
    expect(shareOf('slow', picks.slice(-1_000))).toBeGreaterThan(0.1);
  });

  it('costs an endpoint its peak latency times the requests it would have in flight', () => {
    const clock = manualClock();
    const load = new LoadTracker({ clock: clock.now, defaultLatencyMs: 1 });
    load.begin('a')({ latencyMs: 20, ok: true });
    load.begin('a');
    load.begin('a');
    const picker = new PeakEwmaPicker({ load });
    expect(picker.cost('a')).toBe(60);
    expect(picker.cost('unknown')).toBe(1);
  });

  it('never picks an excluded endpoint over 10,000 picks, and returns the only eligible one', () => {
    const picker = new PeakEwmaPicker({ load: new LoadTracker(), random: seededRandom(5) });
    const exclude = new Set(['e1', 'slow']);
    const picked = new Set(Array.from({ length: 10_000 }, () => picker.pick(endpoints, { exclude })!.id));
    expect([...picked].sort()).toEqual(['e2', 'e3', 'e4']);
    expect(picker.pick(endpoints, { exclude: new Set(['e1', 'e2', 'e3', 'e4']) })!.id).toBe('slow');
    expect(picker.pick(endpoints, { exclude: new Set(endpoints.map((e) => e.id)) })).toBeUndefined();
    expect(picker.pick([])).toBeUndefined();
  });
});
