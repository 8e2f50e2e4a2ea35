import { describe, expect, it } from '@jest/globals';

import { compileFlag } from '../compiled-flag.js';
import type { EvaluationContext } from '../evaluation.js';
import type { AttributeCondition, ConditionValue, Operator } from '../flag.js';
import { compileAttributeCondition } from './condition.compiler.js';

/** Whether a flag with this one condition in its only rule serves that rule to `context`. */
function matches(condition: AttributeCondition, context: EvaluationContext): boolean {
  const flag = compileFlag({
    key: 'operators',
    enabled: true,
    variants: { on: true, off: false },
    offVariant: 'off',
    rules: [{ conditions: [condition], serve: { variant: 'on' } }],
    defaultRule: { variant: 'off' },
  });
  return flag.evaluate(context).reason === 'rule_match';
}

type Case = [
  operator: Operator,
  values: ConditionValue[],
  attribute: string | number | boolean,
  expected: boolean,
];

const CASES: Case[] = [
  ['in', ['DE', 'AT'], 'AT', true],
  ['in', ['DE', 'AT'], 'FR', false],
  ['in', [5, 7], 7, true],
  ['in', [5, 7], '7', false], // no coercion between numbers and text
  ['in', [true], true, true],
  ['notIn', ['DE', 'AT'], 'FR', true],
  ['notIn', ['DE', 'AT'], 'DE', false],
  ['equals', ['pro'], 'pro', true],
  ['equals', ['pro'], 'Pro', false],
  ['equals', [false], false, true],
  ['notEquals', ['pro'], 'free', true],
  ['notEquals', ['pro'], 'pro', false],
  ['startsWith', ['admin-', 'ops-'], 'ops-7', true],
  ['startsWith', ['admin-'], 'user-admin-7', false],
  ['endsWith', ['@example.com'], 'ada@example.com', true],
  ['endsWith', ['@example.com'], 'ada@example.com.evil', false],
  ['contains', ['beta', 'canary'], 'v2-canary-1', true],
  ['contains', ['beta'], 'stable', false],
  ['matches', ['^v2\\.[0-9]+$'], 'v2.13', true],
  ['matches', ['^v2\\.[0-9]+$'], 'v2.x', false],
  ['matches', ['^a', 'z$'], 'xyz', true],
  ['matches', ['ada'], 'ADA', false], // case-sensitive…
  ['matches', ['(?i)^ada$'], 'ADA', true], // …unless the pattern says (?i)
  ['lt', [18], 17, true],
  ['lt', [18], 18, false],
  ['lte', [18], 18, true],
  ['lte', [18], 18.5, false],
  ['gt', [100], 100.5, true],
  ['gt', [100], 100, false],
  ['gte', [100], 100, true],
  ['gte', [100], 99, false],
  ['lt', [18], '17', false], // a number in text is not a number
  ['startsWith', ['1'], 12, false], // string operators need a string
];

describe(compileAttributeCondition.name, () => {
  it.each(CASES)('%s %j against %j is %s', (operator, values, attribute, expected) => {
    expect(matches({ attribute: 'a', operator, values }, { a: attribute })).toBe(expected);
  });

  it.each([
    'in',
    'notIn',
    'equals',
    'notEquals',
    'startsWith',
    'endsWith',
    'contains',
    'matches',
    'lt',
    'gte',
  ] as const)('%s is false when the context lacks the attribute (negations too)', (operator) => {
    const values = ['lt', 'gte'].includes(operator) ? [1] : ['x'];
    expect(matches({ attribute: 'a', operator, values }, {})).toBe(false);
    expect(matches({ attribute: 'a', operator, values }, { a: null })).toBe(false);
    expect(matches({ attribute: 'a', operator, values }, { a: undefined })).toBe(false);
  });

  it('keeps no state between calls of a pattern', () => {
    const condition: AttributeCondition = { attribute: 'a', operator: 'matches', values: ['b'] };
    const predicate = compileAttributeCondition(condition);
    expect([predicate({ a: 'abc' }), predicate({ a: 'abc' }), predicate({ a: 'abc' })]).toEqual([
      true,
      true,
      true,
    ]);
  });
});
