import { describe, expect, it } from '@jest/globals';

import { type BreakerSettings, DEFAULT_BREAKER_SETTINGS } from './breaker-settings.js';
import { errorRuleTrips, percentOf, slowCallRuleTrips } from './trip-rules.js';

const settings = (overrides: Partial<BreakerSettings>): BreakerSettings => ({
  ...DEFAULT_BREAKER_SETTINGS,
  volumeThreshold: 10,
  ...overrides,
});
const counts = (calls: number, failures: number, slow = 0) => ({
  calls,
  failures,
  timeouts: 0,
  slow,
  running: 0,
});

describe('trip rules', () => {
  it('error rule: opens when the failed share is above the threshold (opossum’s rule)', () => {
    const rule = settings({ errorThresholdPercentage: 50 });
    expect(errorRuleTrips(counts(10, 5), rule)).toBe(false);
    expect(errorRuleTrips(counts(10, 6), rule)).toBe(true);
    expect(errorRuleTrips(counts(10, 10), settings({ errorThresholdPercentage: 100 }))).toBe(false);
  });

  it('slow-call rule: opens when the slow share is at or above the threshold (Resilience4j’s rule)', () => {
    const rule = settings({ slowCallDurationMs: 1_000, slowCallRateThreshold: 50 });
    expect(slowCallRuleTrips(counts(10, 0, 4), rule)).toBe(false);
    expect(slowCallRuleTrips(counts(10, 0, 5), rule)).toBe(true);
    const everyCall = settings({ slowCallDurationMs: 1_000, slowCallRateThreshold: 100 });
    expect(slowCallRuleTrips(counts(10, 0, 9), everyCall)).toBe(false);
    expect(slowCallRuleTrips(counts(10, 0, 10), everyCall)).toBe(true);
  });

  it('both wait for the volume threshold; the slow-call rule for a slow-call duration too', () => {
    const rule = settings({ slowCallDurationMs: 1_000, slowCallRateThreshold: 50 });
    expect(errorRuleTrips(counts(9, 9), rule)).toBe(false);
    expect(slowCallRuleTrips(counts(9, 0, 9), rule)).toBe(false);
    expect(slowCallRuleTrips(counts(10, 0, 10), settings({ slowCallDurationMs: 0 }))).toBe(false);
    expect(errorRuleTrips(counts(0, 0), settings({ volumeThreshold: 0 }))).toBe(false);
  });

  it('reports percentages of the window’s calls, 0 for an empty window', () => {
    expect(percentOf(1, counts(4, 0))).toBe(25);
    expect(percentOf(0, counts(0, 0))).toBe(0);
  });
});
