import { describe, expect, it } from '@jest/globals';

import { compileFlag } from '../compiled-flag.js';
import type { EvaluationContext } from '../evaluation.js';
import type { Segment } from '../segment.js';
import { compileSegment } from './segment.compiler.js';

const BETA: Segment = {
  key: 'beta',
  includedUserIds: ['ada', '42'],
  excludedUserIds: ['mallory'],
  conditions: [
    { attribute: 'plan', operator: 'equals', values: ['pro'] },
    { attribute: 'country', operator: 'in', values: ['DE', 'AT'] },
  ],
};
const INTERNAL: Segment = { key: 'internal', includedUserIds: ['grace'] };
const SEGMENTS = new Map([
  [BETA.key, BETA],
  [INTERNAL.key, INTERNAL],
]);

/** A flag that serves `on` to the beta segment, except internal users. */
const flag = compileFlag(
  {
    key: 'beta-feature',
    enabled: true,
    variants: { on: true, off: false },
    offVariant: 'off',
    rules: [{ conditions: [{ segment: 'beta' }, { notSegment: 'internal' }], serve: { variant: 'on' } }],
    defaultRule: { variant: 'off' },
  },
  SEGMENTS,
);
const on = (context: EvaluationContext) => flag.evaluate(context).variant === 'on';

describe(compileSegment.name, () => {
  it('includes the users on its include list, whatever their attributes', () => {
    expect(on({ userId: 'ada' })).toBe(true);
    expect(on({ userId: 'ada', plan: 'free' })).toBe(true);
  });

  it('includes a context for which every one of its conditions holds', () => {
    expect(on({ userId: 'linus', plan: 'pro', country: 'AT' })).toBe(true);
    expect(on({ userId: 'linus', plan: 'pro', country: 'FR' })).toBe(false);
    expect(on({ userId: 'linus', plan: 'free', country: 'DE' })).toBe(false);
    expect(on({ plan: 'pro', country: 'DE' })).toBe(true); // conditions need no user id
  });

  it('excludes the users on its exclude list even when its conditions hold', () => {
    expect(on({ userId: 'mallory', plan: 'pro', country: 'DE' })).toBe(false);
  });

  it('matches nobody but its included users when it has no conditions', () => {
    const internal = compileSegment(INTERNAL);
    expect(internal({ userId: 'grace' })).toBe(true);
    expect(internal({ userId: 'ada', plan: 'pro' })).toBe(false);
    expect(internal({})).toBe(false);
  });

  it('negates membership with notSegment', () => {
    expect(on({ userId: 'grace', plan: 'pro', country: 'DE' })).toBe(false);
  });

  it('compares a numeric user id as its decimal text', () => {
    expect(on({ userId: 42 })).toBe(true);
  });
});
