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
            'rollingBuckets, resetTimeoutMs, callTimeoutMs, halfOpenMaxProbes)',
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
});
