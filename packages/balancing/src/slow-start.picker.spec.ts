import { describe, expect, it } from '@jest/globals';

import { LoadTracker } from './load/load-tracker.js';
import { P2cLeastConnectionsPicker } from './p2c-least-connections.picker.js';
import type { Endpoint, Picker } from './picker.js';
import { RoundRobinPicker } from './round-robin.picker.js';
import { SlowStartPicker } from './slow-start.picker.js';
import { manualClock } from './testing/manual-clock.js';
import { seededRandom } from './testing/seeded-random.js';

const WINDOW = 10_000;
const warm: Endpoint[] = ['a', 'b', 'c', 'd'].map((id) => ({ id }));
const joined = [...warm, { id: 'new' }];

function setup(inner: Picker = new RoundRobinPicker()) {
  const clock = manualClock(1_700_000_000_000);
  const picker = new SlowStartPicker(inner, { windowMs: WINDOW, clock: clock.now, random: seededRandom(9) });
  return { clock, picker };
}

/** The share of `id` among `count` picks, one every `stepMs`. */
function share(
  picker: Picker,
  clock: { advance(ms: number): void },
  list: Endpoint[],
  count: number,
  stepMs = 1,
) {
  let hits = 0;
  for (let i = 0; i < count; i++) {
    clock.advance(stepMs);
    if (picker.pick(list)?.id === 'new') hits++;
  }
  return hits / count;
}

describe(SlowStartPicker.name, () => {
  it.each([
    ['round robin', () => new RoundRobinPicker()],
    ['p2c', () => new P2cLeastConnectionsPicker({ load: new LoadTracker(), random: seededRandom(1) })],
  ])('ramps a new endpoint from a tenth of its fair share to all of it over the window (%s)', (_, inner) => {
    const { clock, picker } = setup(inner());
    picker.pick(warm);
    const fair = 1 / joined.length;
    // 2,000 picks in each tenth of the window.
    const deciles = Array.from({ length: 10 }, () =>
      share(picker, clock, joined, 2_000, WINDOW / 10 / 2_000),
    );
    expect(deciles[0]! / fair).toBeGreaterThan(0.05);
    expect(deciles[0]! / fair).toBeLessThan(0.2);
    expect(deciles[4]! / fair).toBeGreaterThan(0.35);
    expect(deciles[4]! / fair).toBeLessThan(0.6);
    expect(deciles[9]! / fair).toBeGreaterThan(0.85);
    for (let i = 1; i < 10; i++) expect(deciles[i]!).toBeGreaterThan(deciles[i - 1]! - 0.01);
    expect(share(picker, clock, joined, 2_000) / fair).toBeCloseTo(1, 1);
  });

  it('does not ramp the endpoints it finds on its first pick', () => {
    const { clock, picker } = setup();
    expect(share(picker, clock, joined, 1_000)).toBeCloseTo(0.2, 2);
  });

  it('ramps from startedAt when the endpoint carries it, even on the first pick', () => {
    const { clock, picker } = setup();
    const now = clock.now();
    const started = (ms: number) => ({ id: 'new', startedAt: now - ms });
    expect(picker.factor(started(0))).toBeCloseTo(0.1);
    expect(picker.factor(started(WINDOW / 2))).toBeCloseTo(0.5);
    expect(picker.factor(started(WINDOW))).toBe(1);
    expect(picker.factor(started(-1_000))).toBeCloseTo(0.1); // clocks disagree: start from the floor
    const convex = new SlowStartPicker(new RoundRobinPicker(), {
      windowMs: WINDOW,
      aggression: 2,
      clock: clock.now,
    });
    expect(convex.factor(started(WINDOW / 2))).toBeCloseTo(0.25);
    const half = share(picker, clock, [...warm, started(WINDOW / 2)], 4_000, 0);
    expect(half / 0.2).toBeGreaterThan(0.4);
    expect(half / 0.2).toBeLessThan(0.6);
  });

  it('ramps again an endpoint that left and came back', () => {
    const { clock, picker } = setup();
    picker.pick(joined);
    expect(share(picker, clock, joined, 1_000)).toBeCloseTo(0.2, 2);
    picker.pick(warm);
    expect(share(picker, clock, joined, 1_000) / 0.2).toBeLessThan(0.3);
  });

  it('keeps the strategy of the picker it wraps, and never picks an excluded endpoint', () => {
    const { clock, picker } = setup();
    expect(picker.strategy).toBe('round-robin');
    picker.pick(warm);
    for (let i = 0; i < 1_000; i++) {
      clock.advance(1);
      expect(picker.pick(joined, { exclude: new Set(['a']) })!.id).not.toBe('a');
    }
    expect(picker.pick(joined, { exclude: new Set(joined.map((e) => e.id)) })).toBeUndefined();
  });

  it('still sends traffic to a new endpoint when it is the only one', () => {
    const { picker } = setup();
    picker.pick(warm);
    expect(picker.pick([{ id: 'new' }])?.id).toBe('new');
  });
});
