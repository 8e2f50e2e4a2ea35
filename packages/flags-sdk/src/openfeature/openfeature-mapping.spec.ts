import { describe, expect, it } from '@jest/globals';
import { ErrorCode, StandardResolutionReasons } from '@openfeature/server-sdk';

import type { Evaluation } from '@platform/flags';

import { BOOLEAN, NUMBER, OBJECT, STRING, toPlatformContext, toResolution } from './openfeature-mapping.js';

describe(toPlatformContext.name, () => {
  it('uses the targeting key as userId and passes primitive attributes through', () => {
    const when = new Date('2026-01-01T00:00:00Z');
    expect(
      toPlatformContext({
        targetingKey: 'u-42',
        country: 'FR',
        age: 37,
        beta: true,
        nothing: null,
        signedUpAt: when,
        address: { city: 'Lyon' },
        tags: ['a'],
      }),
    ).toEqual({ targetingKey: 'u-42', userId: 'u-42', country: 'FR', age: 37, beta: true });
  });

  it('keeps a userId the context gives itself', () => {
    expect(toPlatformContext({ targetingKey: 'session-9', userId: 'u-42' })).toMatchObject({
      userId: 'u-42',
    });
    expect(toPlatformContext({})).toEqual({});
  });
});

describe(toResolution.name, () => {
  const served = (fields: Partial<Evaluation>): Evaluation => ({
    value: true,
    variant: 'on',
    reason: 'default',
    ...fields,
  });

  it.each([
    [
      'a rule serving a fixed variant',
      'TARGETING_MATCH',
      { reason: 'rule_match', ruleIndex: 0, ruleId: 'staff' },
    ],
    ['a rule running a rollout', 'SPLIT', { reason: 'rule_match', ruleIndex: 1, bucket: 42 }],
    ['the default rule serving a fixed variant', 'DEFAULT', { reason: 'default' }],
    ['the default rule running a rollout', 'SPLIT', { reason: 'default', bucket: 4_200 }],
    ['a disabled flag', 'DISABLED', { reason: 'disabled', value: false, variant: 'off' }],
    [
      'a context without a bucket key',
      'DEFAULT',
      { reason: 'missing_bucket_key', value: false, variant: 'off' },
    ],
  ] as const)('reports %s as %s', (_what, reason, fields) => {
    const evaluation = served(fields);
    expect(toResolution('f', evaluation, false, BOOLEAN, 7)).toEqual({
      value: evaluation.value,
      variant: evaluation.variant,
      reason,
      flagMetadata: expect.objectContaining({ version: 7, platformReason: evaluation.reason }),
    });
  });

  it("serves the caller's default with an error code for an unknown flag or a broken definition", () => {
    const notFound = { value: null, variant: undefined, reason: 'flag_not_found', error: '' } as const;
    expect(toResolution('f', notFound, 'blue', STRING, undefined)).toEqual({
      value: 'blue',
      reason: StandardResolutionReasons.ERROR,
      errorCode: ErrorCode.FLAG_NOT_FOUND,
      errorMessage: "flag 'f' is not known (yet)",
    });
    const broken = served({ reason: 'error', value: false, variant: 'off', error: "unknown segment 'beta'" });
    expect(toResolution('f', broken, true, BOOLEAN, 3)).toMatchObject({
      value: true,
      reason: StandardResolutionReasons.ERROR,
      errorCode: ErrorCode.GENERAL,
      errorMessage: "flag 'f' cannot be evaluated: unknown segment 'beta'",
    });
  });

  it.each([
    ['a string', 'number', 'dark', NUMBER, 0],
    ['a number', 'boolean', 3, BOOLEAN, false],
    ['a boolean', 'string', true, STRING, ''],
    ['null', 'object', null, OBJECT, {}],
    ['a string', 'object', 'dark', OBJECT, {}],
  ] as const)(
    'refuses %s where type %s is asked for: TYPE_MISMATCH and the default',
    (_what, name, value, type, fallback) => {
      expect(toResolution('f', served({ value, variant: 'v' }), fallback, type as never, 1)).toMatchObject({
        value: fallback,
        reason: StandardResolutionReasons.ERROR,
        errorCode: ErrorCode.TYPE_MISMATCH,
        errorMessage: `flag 'f' served variant 'v', whose value is not of type ${name}`,
      });
    },
  );

  it('serves objects and arrays to an object resolver', () => {
    expect(toResolution('f', served({ value: { limit: 3 } }), {}, OBJECT, 1).value).toEqual({ limit: 3 });
    expect(toResolution('f', served({ value: [1, 2] }), {}, OBJECT, 1).value).toEqual([1, 2]);
  });
});
