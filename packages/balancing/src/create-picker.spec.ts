import { describe, expect, it } from '@jest/globals';

import { ConsistentHashPicker } from './consistent-hash.picker.js';
import { createPicker } from './create-picker.js';
import { DynamicWeightedRoundRobinPicker } from './dynamic-weighted-round-robin.picker.js';
import { UnknownStrategyError } from './errors.js';
import { LeastConnectionsPicker } from './least-connections.picker.js';
import { LoadTracker } from './load/load-tracker.js';
import { P2cLeastConnectionsPicker } from './p2c-least-connections.picker.js';
import { PeakEwmaPicker } from './peak-ewma.picker.js';
import { type Endpoint, STRATEGIES, type StrategyName } from './picker.js';
import { RoundRobinPicker } from './round-robin.picker.js';
import { SlowStartPicker } from './slow-start.picker.js';
import { SmoothWeightedRoundRobinPicker } from './smooth-weighted-round-robin.picker.js';
import { manualClock } from './testing/manual-clock.js';
import { seededRandom } from './testing/seeded-random.js';
import { ZoneAwarePicker } from './zone-aware.picker.js';

const load = new LoadTracker();
const fleet: Endpoint[] = [
  { id: 'a1', zone: 'a' },
  { id: 'a2', zone: 'a' },
  { id: 'b1', zone: 'b' },
];

describe(createPicker.name, () => {
  it.each([
    ['round-robin', RoundRobinPicker],
    ['weighted-round-robin', SmoothWeightedRoundRobinPicker],
    ['dynamic-weighted-round-robin', DynamicWeightedRoundRobinPicker],
    ['least-connections', LeastConnectionsPicker],
    ['p2c-least-connections', P2cLeastConnectionsPicker],
    ['peak-ewma', PeakEwmaPicker],
    ['consistent-hash', ConsistentHashPicker],
  ] as const)('builds %s as a working picker', (strategy, type) => {
    const picker = createPicker(strategy, { load, random: seededRandom(1) });
    expect(picker).toBeInstanceOf(type);
    expect(picker.strategy).toBe(strategy);
    expect(fleet).toContain(picker.pick(fleet, { key: 'user-1' }));
  });

  it('knows every strategy in STRATEGIES', () => {
    for (const strategy of STRATEGIES) expect(createPicker(strategy, { load }).strategy).toBe(strategy);
  });

  it('refuses an unknown strategy with a clear error', () => {
    expect(() => createPicker('random' as StrategyName, { load })).toThrow(UnknownStrategyError);
    expect(() => createPicker('random' as StrategyName, { load })).toThrow(/"random".*round-robin/);
  });

  it('adds zone preference when given a local zone, and slow start outside it when given a window', () => {
    expect(createPicker('round-robin', { load, localZone: 'a' })).toBeInstanceOf(ZoneAwarePicker);
    expect(createPicker('round-robin', { load, slowStartWindowMs: 0, localZone: '' })).toBeInstanceOf(
      RoundRobinPicker,
    );
    const both = createPicker('peak-ewma', { load, slowStartWindowMs: 30_000, localZone: 'a' });
    expect(both).toBeInstanceOf(SlowStartPicker);
    expect(both.strategy).toBe('peak-ewma');
  });

  it('keeps traffic local and ramps a newcomer when both are configured', () => {
    const clock = manualClock(1_000_000);
    const picker = createPicker('round-robin', {
      load,
      localZone: 'a',
      slowStartWindowMs: 10_000,
      clock: clock.now,
      random: seededRandom(2),
    });
    picker.pick(fleet);
    const joined = [...fleet, { id: 'a3', zone: 'a' }];
    const counts = new Map<string, number>();
    for (let i = 0; i < 3_000; i++) {
      const id = picker.pick(joined)!.id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect(counts.has('b1')).toBe(false);
    expect(counts.get('a3')! / 3_000).toBeLessThan(0.1);
  });
});
