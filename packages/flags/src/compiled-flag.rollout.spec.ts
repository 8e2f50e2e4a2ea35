import { describe, expect, it } from '@jest/globals';

import { bucketOf } from './bucketing.js';
import { CompiledFlag, compileFlag } from './compiled-flag.js';
import type { Flag, RolloutShare } from './flag.js';

const USERS = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);

function rolloutFlag(key: string, rollout: readonly RolloutShare[], bucketBy?: string): Flag {
  return {
    key,
    enabled: true,
    variants: { on: true, off: false, red: '#f00', green: '#0f0', blue: '#00f' },
    offVariant: 'off',
    defaultRule: bucketBy === undefined ? { rollout } : { rollout, bucketBy },
  };
}

const percentOn = (key: string, percent: number) =>
  rolloutFlag(key, [
    { variant: 'on', weight: percent },
    { variant: 'off', weight: 100 - percent },
  ]);

/** The users the flag serves `on`. */
function enabled(flag: Flag): Set<string> {
  const compiled = compileFlag(flag);
  return new Set(USERS.filter((userId) => compiled.evaluate({ userId }).variant === 'on'));
}

function expectWithin(value: number | undefined, low: number, high: number): void {
  expect(value).toBeGreaterThanOrEqual(low);
  expect(value).toBeLessThanOrEqual(high);
}

const isSubset = (small: Set<string>, big: Set<string>) => [...small].every((user) => big.has(user));

describe(`${CompiledFlag.name}: percentage rollouts`, () => {
  it('serves on to 30% ± 1.5% of 10,000 users at 30%', () => {
    expectWithin(enabled(percentOn('new-checkout', 30)).size, 2_850, 3_150);
  });

  it('keeps every user who had it when raised from 30% to 50%, and reaches ~50%', () => {
    const at30 = enabled(percentOn('new-checkout', 30));
    const at50 = enabled(percentOn('new-checkout', 50));
    expect(isSubset(at30, at50)).toBe(true);
    expectWithin(at50.size, 4_850, 5_150);
  });

  it('when lowered from 30% to 10%, keeps it only for users who had it at 30%', () => {
    const at30 = enabled(percentOn('new-checkout', 30));
    const at10 = enabled(percentOn('new-checkout', 10));
    expect(isSubset(at10, at30)).toBe(true);
    expectWithin(at10.size, 850, 1_150);
  });

  it('gives the first listed variant buckets [0, 100·w), the next the range after it', () => {
    const flag = compileFlag(
      rolloutFlag('palette', [
        { variant: 'red', weight: 20 },
        { variant: 'green', weight: 30.5 },
        { variant: 'blue', weight: 49.5 },
      ]),
    );
    for (const userId of USERS.slice(0, 2_000)) {
      const { variant, bucket } = flag.evaluate({ userId });
      expect(bucket).toBe(bucketOf('palette', userId));
      const expected = bucket! < 2_000 ? 'red' : bucket! < 5_050 ? 'green' : 'blue';
      expect(variant).toBe(expected);
    }
  });

  it('gives the same results from two separately compiled copies of a flag (JSON round trip)', () => {
    const flag = percentOn('new-checkout', 30);
    const here = compileFlag(flag);
    const there = compileFlag(JSON.parse(JSON.stringify(flag)) as Flag);
    for (const userId of USERS) expect(there.evaluate({ userId })).toEqual(here.evaluate({ userId }));
  });

  it('does not enable the same users for two flags at the same percentage', () => {
    const checkout = enabled(percentOn('new-checkout', 30));
    const search = enabled(percentOn('new-search', 30));
    const both = [...checkout].filter((user) => search.has(user)).length;
    // Independent 30% choices overlap on about 30% × 30% = 9% of users, not 30%.
    expectWithin(both, 750, 1_050);
  });

  it('splits a 20/30/50 multivariate flag within ±1.5% over 10,000 users', () => {
    const flag = compileFlag(
      rolloutFlag('palette', [
        { variant: 'red', weight: 20 },
        { variant: 'green', weight: 30 },
        { variant: 'blue', weight: 50 },
      ]),
    );
    const counts = new Map<string, number>();
    for (const userId of USERS) {
      const { variant } = flag.evaluate({ userId });
      counts.set(variant, (counts.get(variant) ?? 0) + 1);
    }
    expectWithin(counts.get('red'), 1_850, 2_150);
    expectWithin(counts.get('green'), 2_850, 3_150);
    expectWithin(counts.get('blue'), 4_850, 5_150);
  });

  it('serves 0% to nobody and 100% to everyone', () => {
    expect(enabled(percentOn('new-checkout', 0)).size).toBe(0);
    expect(enabled(percentOn('new-checkout', 100)).size).toBe(USERS.length);
  });

  it('serves the offVariant with reason missing_bucket_key to a context it cannot place', () => {
    const flag = compileFlag(percentOn('new-checkout', 100));
    for (const context of [{}, { userId: '' }, { userId: null }, { userId: true }, { userId: Number.NaN }]) {
      expect(flag.evaluate(context)).toEqual({ value: false, variant: 'off', reason: 'missing_bucket_key' });
    }
  });

  it('buckets by another attribute when told to: everyone in a company gets the same variant', () => {
    const flag = compileFlag(
      rolloutFlag(
        'team-billing',
        [
          { variant: 'on', weight: 50 },
          { variant: 'off', weight: 50 },
        ],
        'companyId',
      ),
    );
    for (const companyId of ['acme', 'globex', 'initech', 'umbrella']) {
      const variants = new Set(
        USERS.slice(0, 50).map((userId) => flag.evaluate({ userId, companyId }).variant),
      );
      expect(variants.size).toBe(1);
    }
    expect(flag.evaluate({ userId: 'user-1' }).reason).toBe('missing_bucket_key');
  });

  it('places a numeric bucket key where its decimal text goes', () => {
    const flag = compileFlag(percentOn('new-checkout', 30));
    for (let id = 0; id < 500; id++)
      expect(flag.evaluate({ userId: id })).toEqual(flag.evaluate({ userId: `${id}` }));
  });
});
