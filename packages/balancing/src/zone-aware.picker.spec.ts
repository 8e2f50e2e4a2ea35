import { describe, expect, it } from '@jest/globals';

import type { Endpoint } from './picker.js';
import { RoundRobinPicker } from './round-robin.picker.js';
import { ZoneAwarePicker } from './zone-aware.picker.js';

const fleet: Endpoint[] = [
  ...['a1', 'a2', 'a3', 'a4'].map((id) => ({ id, zone: 'zone-a' })),
  ...['b1', 'b2', 'b3', 'b4'].map((id) => ({ id, zone: 'zone-b' })),
  { id: 'x1' },
];

const healthy = (...down: string[]) => fleet.filter((endpoint) => !down.includes(endpoint.id));

function picked(picker: ZoneAwarePicker, endpoints: Endpoint[], exclude?: Set<string>): Set<string> {
  return new Set(Array.from({ length: 100 }, () => picker.pick(endpoints, { all: fleet, exclude })!.id));
}

function zoneAware(minHealthyShare?: number) {
  return new ZoneAwarePicker(new RoundRobinPicker(), { localZone: 'zone-a', minHealthyShare });
}

describe(ZoneAwarePicker.name, () => {
  it('keeps traffic in the local zone while it is healthy', () => {
    expect(picked(zoneAware(), healthy())).toEqual(new Set(['a1', 'a2', 'a3', 'a4']));
  });

  it('stays local while the healthy share is at or above the threshold', () => {
    // 3 of 4 local endpoints healthy: 75% >= 70%.
    expect(picked(zoneAware(), healthy('a1'))).toEqual(new Set(['a2', 'a3', 'a4']));
  });

  it('spreads over every zone when too little of the local zone is healthy', () => {
    // 2 of 4 healthy: 50% < 70%.
    expect(picked(zoneAware(), healthy('a1', 'a2'))).toEqual(
      new Set(['a3', 'a4', 'b1', 'b2', 'b3', 'b4', 'x1']),
    );
    expect(picked(zoneAware(0.5), healthy('a1', 'a2'))).toEqual(new Set(['a3', 'a4']));
  });

  it('fails over to the other zones when no local endpoint is healthy or eligible', () => {
    const remote = new Set(['b1', 'b2', 'b3', 'b4', 'x1']);
    expect(picked(zoneAware(), healthy('a1', 'a2', 'a3', 'a4'))).toEqual(remote);
    expect(picked(zoneAware(), healthy(), new Set(['a1', 'a2', 'a3', 'a4']))).toEqual(remote);
  });

  it('counts a zone as healthy when it is not told which endpoints are down', () => {
    const picker = zoneAware();
    const ids = new Set(Array.from({ length: 100 }, () => picker.pick(healthy('a1', 'a2'))!.id));
    expect(ids).toEqual(new Set(['a3', 'a4']));
  });

  it('passes exclusions through and returns undefined when none is eligible', () => {
    expect(picked(zoneAware(), healthy(), new Set(['a1']))).toEqual(new Set(['a2', 'a3', 'a4']));
    expect(zoneAware().pick(fleet, { exclude: new Set(fleet.map((e) => e.id)) })).toBeUndefined();
    expect(zoneAware().pick([])).toBeUndefined();
  });

  it('uses every endpoint when the caller has no local endpoints at all', () => {
    const picker = new ZoneAwarePicker(new RoundRobinPicker(), { localZone: 'zone-z' });
    expect(picked(picker, healthy()).size).toBe(fleet.length);
    expect(picker.strategy).toBe('round-robin');
  });
});
