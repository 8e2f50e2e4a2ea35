import { describe, expect, it } from '@jest/globals';

import { DEFAULT_BREAKER_SETTINGS, validateBreakerSettings } from './breaker-settings.js';

describe(validateBreakerSettings.name, () => {
  it('fills what is missing from the defaults', () => {
    expect(validateBreakerSettings({ volumeThreshold: 20 })).toEqual({
      ok: true,
      settings: { ...DEFAULT_BREAKER_SETTINGS, volumeThreshold: 20 },
    });
  });

  it('merges over the base it is given, e.g. a breaker’s current settings', () => {
    const base = { ...DEFAULT_BREAKER_SETTINGS, resetTimeoutMs: 5_000 };
    const outcome = validateBreakerSettings({ callTimeoutMs: 0 }, base);
    expect(outcome).toEqual({ ok: true, settings: { ...base, callTimeoutMs: 0 } });
  });

  it('reports every problem at once, one per field, in words a caller can act on', () => {
    const outcome = validateBreakerSettings({
      errorThresholdPercentage: 120,
      volumeThreshold: -3,
      resetTimeoutMs: 0,
      callTimeoutMs: 2.5,
      halfOpenMaxProbes: '2',
      tripAfter: 5,
    });
    expect(outcome).toEqual({
      ok: false,
      problems: [
        { field: 'errorThresholdPercentage', problem: 'must be between 1% and 100%, got 120%' },
        { field: 'volumeThreshold', problem: 'must not be negative, got -3' },
        { field: 'resetTimeoutMs', problem: 'must be between 1 ms and 2147483647 ms, got 0 ms' },
        { field: 'callTimeoutMs', problem: 'must be a whole number, got 2.5' },
        { field: 'halfOpenMaxProbes', problem: 'must be a finite number, got the string "2"' },
        {
          field: 'tripAfter',
          problem:
            'is not a breaker setting (known: errorThresholdPercentage, volumeThreshold, rollingWindowMs, ' +
            'rollingBuckets, resetTimeoutMs, callTimeoutMs, halfOpenMaxProbes, slidingWindowCalls, ' +
            'slowCallDurationMs, slowCallRateThreshold)',
        },
      ],
    });
  });

  it('refuses timers Node cannot hold (they would fire after 1 ms)', () => {
    expect(validateBreakerSettings({ resetTimeoutMs: 3_000_000_000 })).toMatchObject({
      ok: false,
      problems: [{ field: 'resetTimeoutMs' }],
    });
  });

  it('refuses a window that does not split evenly into its buckets', () => {
    expect(validateBreakerSettings({ rollingWindowMs: 10_000, rollingBuckets: 3 })).toEqual({
      ok: false,
      problems: [
        {
          field: 'rollingWindowMs',
          problem: 'must split evenly into rollingBuckets: 10000 ms in 3 buckets leaves a remainder of 1 ms',
        },
      ],
    });
  });

  it('refuses what is not an object, and null or NaN values', () => {
    expect(validateBreakerSettings([1, 2])).toEqual({
      ok: false,
      problems: [{ field: '', problem: 'settings must be an object, got an array' }],
    });
    expect(validateBreakerSettings({ volumeThreshold: null, rollingBuckets: Number.NaN })).toEqual({
      ok: false,
      problems: [
        { field: 'volumeThreshold', problem: 'must be a finite number, got null' },
        { field: 'rollingBuckets', problem: 'must be a finite number, got NaN' },
      ],
    });
  });

  it('accepts the boundaries: 0 means no call timeout and no volume threshold', () => {
    expect(
      validateBreakerSettings({ callTimeoutMs: 0, volumeThreshold: 0, errorThresholdPercentage: 100 }),
    ).toMatchObject({ ok: true });
  });

  it('does not treat inherited names as settings', () => {
    expect(validateBreakerSettings(JSON.parse('{"toString": 1}'))).toMatchObject({
      ok: false,
      problems: [{ field: 'toString' }],
    });
  });

  it('defaults to the time window with no slow-call rule: the behaviour before these settings', () => {
    expect(DEFAULT_BREAKER_SETTINGS).toMatchObject({
      slidingWindowCalls: 0,
      slowCallDurationMs: 0,
      slowCallRateThreshold: 100,
    });
  });

  it('refuses bad window and slow-call values, one problem each', () => {
    expect(
      validateBreakerSettings({ slidingWindowCalls: 2.5, slowCallDurationMs: -1, slowCallRateThreshold: 0 }),
    ).toEqual({
      ok: false,
      problems: [
        { field: 'slidingWindowCalls', problem: 'must be a whole number, got 2.5' },
        { field: 'slowCallDurationMs', problem: 'must not be negative, got -1 ms' },
        { field: 'slowCallRateThreshold', problem: 'must be between 1% and 100%, got 0%' },
      ],
    });
    expect(validateBreakerSettings({ slidingWindowCalls: 2_000_000, slowCallRateThreshold: 101 })).toEqual({
      ok: false,
      problems: [
        { field: 'slidingWindowCalls', problem: 'must be between 0 and 1000000, got 2000000' },
        { field: 'slowCallRateThreshold', problem: 'must be between 1% and 100%, got 101%' },
      ],
    });
  });

  it('refuses a count window that can never hold the volume threshold', () => {
    expect(validateBreakerSettings({ slidingWindowCalls: 5, volumeThreshold: 10 })).toEqual({
      ok: false,
      problems: [
        {
          field: 'slidingWindowCalls',
          problem:
            'must be at least volumeThreshold (10), or the window never holds enough calls to open the ' +
            'breaker; got 5 (0 = the rolling time window)',
        },
      ],
    });
    expect(validateBreakerSettings({ slidingWindowCalls: 10, volumeThreshold: 10 })).toMatchObject({
      ok: true,
    });
  });

  it('refuses a slow-call duration no call reaches before its call timeout', () => {
    expect(validateBreakerSettings({ callTimeoutMs: 2_000, slowCallDurationMs: 2_000 })).toEqual({
      ok: false,
      problems: [
        {
          field: 'slowCallDurationMs',
          problem:
            'must be below callTimeoutMs (2000 ms), or no call is ever slow: each times out first; got 2000 ms',
        },
      ],
    });
    expect(validateBreakerSettings({ callTimeoutMs: 2_000, slowCallDurationMs: 1_999 })).toMatchObject({
      ok: true,
    });
    expect(validateBreakerSettings({ callTimeoutMs: 0, slowCallDurationMs: 60_000 })).toMatchObject({
      ok: true,
    });
  });
});
