import { runInNewContext } from 'node:vm';

import { describe, expect, it } from '@jest/globals';

import type { Flag } from './flag.js';
import { type FieldProblem, validateFlag } from './flag.validator.js';

const VALID: Flag = {
  key: 'new-checkout',
  description: 'The one-page checkout',
  enabled: true,
  variants: { on: true, off: false },
  offVariant: 'off',
  rules: [
    {
      id: 'staff',
      conditions: [{ attribute: 'email', operator: 'endsWith', values: ['@example.com'] }],
      serve: { variant: 'on' },
    },
    {
      conditions: [
        { segment: 'beta-testers' },
        { notSegment: 'blocked' },
        { attribute: 'version', operator: 'matches', values: ['^2\\.'] },
      ],
      serve: {
        rollout: [
          { variant: 'on', weight: 33.33 },
          { variant: 'off', weight: 66.67 },
        ],
        bucketBy: 'accountId',
      },
    },
  ],
  defaultRule: {
    rollout: [
      { variant: 'on', weight: 30 },
      { variant: 'off', weight: 70 },
    ],
  },
};

/**
 * VALID (deep-copied) with the value at each path (`rules[1].conditions[0].operator`) replaced; a value
 * of `undefined` removes the field.
 */
function withValues(changes: Record<string, unknown>): unknown {
  const copy = structuredClone(VALID) as unknown;
  for (const [path, value] of Object.entries(changes)) {
    const steps = path.match(/[^.[\]]+/g) ?? [];
    let target = copy as Record<string, unknown>;
    for (const step of steps.slice(0, -1)) target = target[step] as Record<string, unknown>;
    const last = steps.at(-1) as string;
    if (value === undefined) delete target[last];
    else target[last] = value;
  }
  return copy;
}

function problemsOf(input: unknown, options?: Parameters<typeof validateFlag>[1]): readonly FieldProblem[] {
  const result = validateFlag(input, options);
  if (result.ok) throw new Error('expected the definition to be refused');
  return result.problems;
}

describe(validateFlag.name, () => {
  it('accepts a valid definition, and the same definition after a JSON round trip', () => {
    const result = validateFlag(JSON.parse(JSON.stringify(VALID)));
    expect(result).toEqual({ ok: true, flag: VALID });
    expect(
      validateFlag({
        key: 'k',
        enabled: false,
        variants: { a: 1 },
        offVariant: 'a',
        defaultRule: { variant: 'a' },
      }).ok,
    ).toBe(true);
  });

  it('accepts its own output again, and objects made in another realm, as plain JSON', () => {
    const withObjects = {
      ...VALID,
      variants: { on: { color: 'red' }, off: runInNewContext('({ color: "blue" })') as object },
    };
    const first = validateFlag(withObjects);
    expect(first.ok).toBe(true);
    expect(first.ok && validateFlag(first.flag).ok).toBe(true);
  });

  it('returns a copy, so later changes to the input do not reach the validated flag', () => {
    const input = structuredClone(VALID) as { enabled: boolean };
    const result = validateFlag(input);
    input.enabled = false;
    expect(result.ok && result.flag.enabled).toBe(true);
  });

  it('never throws, whatever it is given', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const input of [null, undefined, 42, 'flag', [], [VALID], () => VALID, { variants: cyclic }]) {
      expect(validateFlag(input).ok).toBe(false);
    }
    expect(validateFlag(withValues({ 'variants.on': cyclic })).ok).toBe(false);
    expect(problemsOf(null)).toEqual([
      { field: '', problem: 'must be a JSON object describing a flag; got null' },
    ]);
  });

  it('names every missing required field', () => {
    expect(problemsOf({}).map((p) => p.field)).toEqual([
      'key',
      'enabled',
      'variants',
      'offVariant',
      'defaultRule',
    ]);
  });

  it('refuses unknown fields at every level, naming each', () => {
    const problems = problemsOf(
      withValues({
        foo: 1,
        'rules[0].weight': 5,
        'rules[1].conditions[0].negate': true,
        'defaultRule.rollout[0].salt': 'x',
      }),
    );
    expect(problems).toEqual([
      {
        field: 'foo',
        problem:
          "unknown field 'foo'; allowed: key, description, enabled, variants, offVariant, defaultRule, rules",
      },
      { field: 'defaultRule.rollout[0].salt', problem: "unknown field 'salt'; allowed: variant, weight" },
      {
        field: 'rules[0].weight',
        problem: "unknown field 'weight'; allowed: id, description, conditions, serve",
      },
      { field: 'rules[1].conditions[0].negate', problem: expect.stringContaining("unknown field 'negate'") },
    ]);
  });

  // [what, changes to VALID, field of the one problem, what the problem says]
  const BAD: [string, Record<string, unknown>, string, string][] = [
    ['an upper-case key', { key: 'NewCheckout' }, 'key', "got 'NewCheckout'"],
    ['a key of 101 characters', { key: 'k'.repeat(101) }, 'key', 'must be 1-100 characters; got 101'],
    ['enabled as text', { enabled: 'true' }, 'enabled', "must be true or false; got 'true'"],
    ['no variants', { variants: {} }, 'variants', 'must have 1-100 variants; got 0'],
    [
      'a variant value that is not JSON',
      { 'variants.on': new Date() },
      'variants.on',
      'must be a JSON value',
    ],
    [
      'an offVariant that is not a variant',
      { offVariant: 'x' },
      'offVariant',
      "'x' is not one of the variants on, off",
    ],
    [
      'a serve naming an unknown variant',
      { 'rules[0].serve.variant': 'of' },
      'rules[0].serve.variant',
      "'of' is not one of the variants on, off",
    ],
    [
      'a serve with both variant and rollout',
      { 'rules[0].serve.rollout': [] },
      'rules[0].serve',
      'must have either variant or rollout, not both',
    ],
    [
      'a serve with neither',
      { 'rules[0].serve.variant': undefined },
      'rules[0].serve',
      'must have variant (one variant for everyone) or rollout',
    ],
    [
      'weights summing to 90',
      { 'defaultRule.rollout[1].weight': 60 },
      'defaultRule.rollout',
      'weights must sum to 100, got 90',
    ],
    [
      'weights summing to 100.01',
      { 'defaultRule.rollout[1].weight': 70.01 },
      'defaultRule.rollout',
      'weights must sum to 100, got 100.01',
    ],
    [
      'a weight above 100',
      { 'defaultRule.rollout[1].weight': 170 },
      'defaultRule.rollout[1].weight',
      'must be between 0 and 100 (percent); got 170',
    ],
    [
      'a negative weight',
      { 'defaultRule.rollout[0].weight': -30 },
      'defaultRule.rollout[0].weight',
      'must be between 0 and 100 (percent); got -30',
    ],
    [
      'a weight finer than 0.01%',
      { 'defaultRule.rollout[0].weight': 30.005 },
      'defaultRule.rollout[0].weight',
      'must have at most two decimals',
    ],
    [
      'a weight as text',
      { 'defaultRule.rollout[0].weight': '30' },
      'defaultRule.rollout[0].weight',
      "must be a number of percent (0-100); got '30'",
    ],
    [
      'a variant listed twice in a rollout',
      { 'defaultRule.rollout[1].variant': 'on' },
      'defaultRule.rollout[1].variant',
      "'on' is listed twice",
    ],
    [
      'an empty rollout',
      { 'defaultRule.rollout': [] },
      'defaultRule.rollout',
      'must not be empty: list at least one of the variant shares',
    ],
    [
      'bucketBy on a fixed variant',
      { 'rules[0].serve.bucketBy': 'userId' },
      'rules[0].serve.bucketBy',
      'applies only to a rollout',
    ],
    [
      'an unknown operator',
      { 'rules[1].conditions[2].operator': 'between' },
      'rules[1].conditions[2].operator',
      "must be one of in, notIn, equals, notEquals, startsWith, endsWith, contains, matches, lt, lte, gt, gte; got 'between'",
    ],
    [
      'a regex that does not compile',
      { 'rules[1].conditions[2].values': ['^2\\.', '([a-z]'] },
      'rules[1].conditions[2].values[1]',
      'is not a pattern RE2 can run: missing closing ): `([a-z]`',
    ],
    [
      'a lookahead, which RE2 does not have',
      { 'rules[1].conditions[2].values': ['^(?=.*admin)'] },
      'rules[1].conditions[2].values[0]',
      'is not a pattern RE2 can run: invalid or unsupported Perl syntax: `(?=` (RE2 has no lookahead or lookbehind)',
    ],
    [
      'a lookbehind',
      { 'rules[1].conditions[2].values': ['(?<!staff)@example\\.com$'] },
      'rules[1].conditions[2].values[0]',
      '(RE2 has no lookahead or lookbehind)',
    ],
    [
      'a backreference',
      { 'rules[1].conditions[2].values': ['^(\\w)\\1'] },
      'rules[1].conditions[2].values[0]',
      'is not a pattern RE2 can run: invalid escape sequence: `\\1` (RE2 has no backreferences)',
    ],
    [
      'a pattern compiling to too many instructions',
      { 'rules[1].conditions[2].values': ['a[ab]{200}!'] },
      'rules[1].conditions[2].values[0]',
      'is too complex: it compiles to 204 instructions, at most 100; split it into several values',
    ],
    [
      'no values',
      { 'rules[0].conditions[0].values': [] },
      'rules[0].conditions[0].values',
      'must not be empty: list at least one of the values',
    ],
    [
      'two values for lt',
      { 'rules[0].conditions[0]': { attribute: 'age', operator: 'lt', values: [1, 2] } },
      'rules[0].conditions[0].values',
      'must hold exactly one value for lt; got 2',
    ],
    [
      'text for gte',
      { 'rules[0].conditions[0]': { attribute: 'age', operator: 'gte', values: ['18'] } },
      'rules[0].conditions[0].values[0]',
      "must be a finite number for gte; got '18'",
    ],
    [
      'a number for endsWith',
      { 'rules[0].conditions[0].values': [4] },
      'rules[0].conditions[0].values[0]',
      'must be a string for endsWith; got 4',
    ],
    [
      'an object among in values',
      { 'rules[0].conditions[0]': { attribute: 'c', operator: 'in', values: ['DE', { c: 1 }] } },
      'rules[0].conditions[0].values[1]',
      'must be a string, a finite number or a boolean; got an object',
    ],
    [
      'a condition of two kinds',
      { 'rules[1].conditions[0].attribute': 'plan' },
      'rules[1].conditions[0]',
      'must be exactly one kind of condition',
    ],
    ['an empty condition', { 'rules[1].conditions[1]': {} }, 'rules[1].conditions[1]', 'got an empty object'],
    [
      'a bad segment key',
      { 'rules[1].conditions[0].segment': 'Beta Testers' },
      'rules[1].conditions[0].segment',
      "got 'Beta Testers'",
    ],
    [
      'a rule without conditions',
      { 'rules[0].conditions': [] },
      'rules[0].conditions',
      'must have at least one condition (a rule without conditions matches everyone: use defaultRule)',
    ],
    [
      'two rules with one id',
      { 'rules[1].id': 'staff' },
      'rules[1].id',
      "'staff' is also the id of rules[0]; ids must be unique",
    ],
    [
      'rules that are not an array',
      { rules: { staff: {} } },
      'rules',
      'must be an array of rules; got an object',
    ],
  ];

  it.each(BAD)('refuses %s at the field it is in', (_name, changes, field, problem) => {
    expect(problemsOf(withValues(changes))).toEqual([{ field, problem: expect.stringContaining(problem) }]);
  });

  it('names a variant with characters outside identifiers in brackets', () => {
    expect(problemsOf(withValues({ 'variants.dark mode': 1 }))).toEqual([
      { field: 'variants["dark mode"]', problem: expect.stringContaining("got 'dark mode'") },
    ]);
  });

  it('lists every problem at once, not only the first', () => {
    const problems = problemsOf(
      withValues({
        offVariant: 'x',
        'defaultRule.rollout[1].weight': 60,
        'rules[1].conditions[2].operator': 'between',
      }),
    );
    expect(problems.map((p) => p.field)).toEqual([
      'offVariant',
      'defaultRule.rollout',
      'rules[1].conditions[2].operator',
    ]);
  });

  it('accepts a pattern RE2 cannot run only for a definition stored before (unusablePatterns: allow)', () => {
    const stored = withValues({ 'rules[1].conditions[2].values': ['^(?=.*admin)', '^2\\.'] });

    expect(validateFlag(stored).ok).toBe(false);
    expect(validateFlag(stored, { unusablePatterns: 'allow' }).ok).toBe(true);
    // The other checks of a pattern still hold.
    const tooLong = withValues({ 'rules[1].conditions[2].values': ['x'.repeat(501)] });
    expect(problemsOf(tooLong, { unusablePatterns: 'allow' })).toEqual([
      { field: 'rules[1].conditions[2].values[0]', problem: 'must be at most 500 characters; got 501' },
    ]);
  });

  it('checks segment references against the segments that exist, when given them', () => {
    expect(validateFlag(VALID).ok).toBe(true);
    expect(problemsOf(VALID, { segments: new Set(['beta-testers']) })).toEqual([
      {
        field: 'rules[1].conditions[1].notSegment',
        problem: "segment 'blocked' does not exist; define it first",
      },
    ]);
  });
});
