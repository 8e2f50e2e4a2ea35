import { describe, expect, it } from '@jest/globals';

import { CompiledFlag, compileFlag, evaluate } from './compiled-flag.js';
import {
  InvalidFlagError,
  InvalidSegmentError,
  isInvalidFlagError,
  isInvalidSegmentError,
} from './errors.js';
import type { EvaluationContext } from './evaluation.js';
import type { Flag } from './flag.js';
import type { Segment } from './segment.js';

const beta: Segment = { key: 'beta-testers', includedUserIds: ['ada', 'grace'] };
const SEGMENTS: ReadonlyMap<string, Segment> = new Map([[beta.key, beta]]);

/** Staff get blue; beta testers red; Germany a 50/50 rollout of red and green; everyone else off. */
function paletteFlag(overrides: Partial<Flag> = {}): Flag {
  return {
    key: 'palette',
    enabled: true,
    variants: { red: '#f00', green: '#0f0', blue: '#00f', off: null },
    offVariant: 'off',
    rules: [
      {
        id: 'staff',
        conditions: [{ attribute: 'email', operator: 'endsWith', values: ['@example.com'] }],
        serve: { variant: 'blue' },
      },
      { conditions: [{ segment: 'beta-testers' }], serve: { variant: 'red' } },
      {
        id: 'germany',
        conditions: [{ attribute: 'country', operator: 'in', values: ['DE', 'AT'] }],
        serve: {
          rollout: [
            { variant: 'red', weight: 50 },
            { variant: 'green', weight: 50 },
          ],
        },
      },
    ],
    defaultRule: { variant: 'off' },
    ...overrides,
  };
}

describe(CompiledFlag.name, () => {
  const flag = compileFlag(paletteFlag(), SEGMENTS);

  it('serves the first rule that matches, in order', () => {
    // ada@example.com is staff and a beta tester: the staff rule comes first.
    expect(flag.evaluate({ userId: 'ada', email: 'ada@example.com' })).toEqual({
      value: '#00f',
      variant: 'blue',
      reason: 'rule_match',
      ruleIndex: 0,
      ruleId: 'staff',
    });
    expect(flag.evaluate({ userId: 'ada', email: 'ada@elsewhere.org', country: 'DE' })).toEqual({
      value: '#f00',
      variant: 'red',
      reason: 'rule_match',
      ruleIndex: 1,
    });
  });

  it('needs every condition of a rule to hold', () => {
    const both = compileFlag(
      paletteFlag({
        rules: [
          {
            conditions: [
              { attribute: 'country', operator: 'equals', values: ['DE'] },
              { attribute: 'plan', operator: 'equals', values: ['pro'] },
            ],
            serve: { variant: 'green' },
          },
        ],
      }),
    );
    expect(both.evaluate({ country: 'DE', plan: 'pro' }).variant).toBe('green');
    expect(both.evaluate({ country: 'DE', plan: 'free' }).variant).toBe('off');
    expect(both.evaluate({ country: 'FR', plan: 'pro' }).variant).toBe('off');
  });

  it("serves a matching rule's rollout, with the bucket that decided", () => {
    const result = flag.evaluate({ userId: 'user-7', country: 'AT' });
    expect(result).toMatchObject({ reason: 'rule_match', ruleIndex: 2, ruleId: 'germany' });
    expect(['red', 'green']).toContain(result.variant);
    expect(result.bucket).toBeGreaterThanOrEqual(0);
  });

  it('serves the default rule when no rule matches', () => {
    expect(flag.evaluate({ userId: 'linus', country: 'FI' })).toEqual({
      value: null,
      variant: 'off',
      reason: 'default',
    });
    expect(flag.evaluate({})).toEqual({ value: null, variant: 'off', reason: 'default' });
  });

  it('serves the offVariant to everyone when the kill switch is off, whatever the rules say', () => {
    const killed = compileFlag(paletteFlag({ enabled: false }), SEGMENTS);
    for (const context of [{ userId: 'ada', email: 'ada@example.com' }, { country: 'DE', userId: 'u' }, {}]) {
      expect(killed.evaluate(context)).toEqual({ value: null, variant: 'off', reason: 'disabled' });
    }
  });

  it('serves the offVariant with reason error when a segment it refers to is missing (fail closed)', () => {
    const orphan = compileFlag(paletteFlag(), new Map());
    expect(orphan.evaluate({ userId: 'linus', email: 'linus@example.com' })).toEqual({
      value: null,
      variant: 'off',
      reason: 'error',
      error: "unknown segment 'beta-testers'",
    });
    expect(compileFlag(paletteFlag({ enabled: false })).evaluate({}).reason).toBe('disabled');
  });

  it('lists the segments its rules refer to, to know when to recompile', () => {
    expect([...flag.segmentKeys]).toEqual(['beta-testers']);
  });

  it('never throws on odd contexts: wrong types and prototype names count as missing', () => {
    const odd = {
      email: 42,
      country: ['DE'],
      userId: { id: 'ada' },
      constructor: 'x',
      __proto__: null,
    } as unknown as EvaluationContext;
    expect(flag.evaluate(odd)).toEqual({ value: null, variant: 'off', reason: 'default' });
    const inherited = compileFlag(
      paletteFlag({
        rules: [
          {
            conditions: [{ attribute: 'toString', operator: 'notIn', values: ['x'] }],
            serve: { variant: 'red' },
          },
        ],
      }),
    );
    expect(inherited.evaluate({}).reason).toBe('default');
  });

  it('refuses an invalid definition with InvalidFlagError listing each problem', () => {
    const bad = { ...paletteFlag(), offVariant: 'purple', defaultRule: { variant: 'pink' } };
    let thrown: unknown;
    try {
      compileFlag(bad);
    } catch (error) {
      thrown = error;
    }
    expect(isInvalidFlagError(thrown)).toBe(true);
    const error = thrown as InvalidFlagError;
    expect(error).toMatchObject({ code: 'invalid_flag', kind: 'invalid', flagKey: 'palette' });
    expect(error.details.map((problem) => problem.field)).toEqual(['offVariant', 'defaultRule.variant']);
    expect(error.message).toContain("offVariant 'purple' is not one of the variants red, green, blue, off");
  });

  it('refuses a segment that is invalid or given under another key with InvalidSegmentError', () => {
    const invalid = new Map([
      ['beta-testers', { key: 'beta-testers', includedUserIds: 'ada' } as unknown as Segment],
    ]);
    expect(() => compileFlag(paletteFlag(), invalid)).toThrow(InvalidSegmentError);
    const misfiled = new Map([['beta-testers', { ...beta, key: 'alpha-testers' }]]);
    try {
      compileFlag(paletteFlag(), misfiled);
      throw new Error('expected a throw');
    } catch (error) {
      expect(isInvalidSegmentError(error)).toBe(true);
      expect((error as InvalidSegmentError).details).toEqual([
        { field: 'key', problem: "is 'alpha-testers' but the segment was given under 'beta-testers'" },
      ]);
    }
  });

  it('freezes the values it serves and its definition, and leaves the input alone', () => {
    const input = paletteFlag({
      variants: { on: { limits: [1, 2] }, off: null },
      rules: [],
      defaultRule: { variant: 'on' },
    });
    const compiled = compileFlag(input);
    const { value } = compiled.evaluate({});
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen((value as { limits: number[] }).limits)).toBe(true);
    expect(Object.isFrozen(compiled.definition.variants)).toBe(true);
    expect(Object.isFrozen(input.variants)).toBe(false);
  });

  it('evaluate() gives what a compiled flag gives', () => {
    const context = { userId: 'user-7', country: 'DE' };
    expect(evaluate(paletteFlag(), context, SEGMENTS)).toEqual(flag.evaluate(context));
    expect(() => evaluate({ key: 'x' } as Flag, {})).toThrow(InvalidFlagError);
  });
});
