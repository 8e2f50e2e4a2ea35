import { describe, expect, it } from '@jest/globals';

import type { Segment } from './segment.js';
import { validateSegment } from './segment.validator.js';

const VALID: Segment = {
  key: 'beta-testers',
  description: 'Opted in to early features',
  includedUserIds: ['ada', 'grace'],
  excludedUserIds: ['mallory'],
  conditions: [{ attribute: 'plan', operator: 'in', values: ['pro', 'enterprise'] }],
};

function problemsOf(input: unknown) {
  const result = validateSegment(input);
  if (result.ok) throw new Error('expected the segment to be refused');
  return result.problems;
}

describe(validateSegment.name, () => {
  it('accepts a valid segment, and the same segment after a JSON round trip', () => {
    expect(validateSegment(JSON.parse(JSON.stringify(VALID)))).toEqual({ ok: true, segment: VALID });
    expect(validateSegment({ key: 'empty' }).ok).toBe(true);
  });

  it('never throws, whatever it is given', () => {
    for (const input of [null, 'beta', 7, [], { key: 7, conditions: 'all' }])
      expect(validateSegment(input).ok).toBe(false);
  });

  it.each([
    [
      'an unknown field',
      { ...VALID, rules: [] },
      'rules',
      "unknown field 'rules'; allowed: key, description, includedUserIds, excludedUserIds, conditions",
    ],
    ['a missing key', { ...VALID, key: undefined }, 'key', 'is required and must be a string; got nothing'],
    [
      'a user id that is not text',
      { ...VALID, includedUserIds: ['ada', 42] },
      'includedUserIds[1]',
      'must be a string; got 42',
    ],
    [
      'a user id on both lists',
      { ...VALID, excludedUserIds: ['mallory', 'grace'] },
      'excludedUserIds[1]',
      "'grace' is also in includedUserIds; a user id belongs in one list (exclusion would win)",
    ],
    [
      'a reference to another segment',
      { ...VALID, conditions: [{ segment: 'staff' }] },
      'conditions[0].segment',
      'a segment cannot refer to another segment; use attribute conditions',
    ],
    [
      'a bad operator',
      { ...VALID, conditions: [{ attribute: 'plan', operator: 'oneOf', values: ['pro'] }] },
      'conditions[0].operator',
      "got 'oneOf'",
    ],
    [
      'a bad regex',
      { ...VALID, conditions: [{ attribute: 'email', operator: 'matches', values: ['*@x'] }] },
      'conditions[0].values[0]',
      'is not a pattern RE2 can run: missing argument to repetition operator: `*`',
    ],
    [
      'a backreference',
      { ...VALID, conditions: [{ attribute: 'email', operator: 'matches', values: ['(a)\\1'] }] },
      'conditions[0].values[0]',
      '(RE2 has no backreferences)',
    ],
  ])('refuses %s at the field it is in', (_name, input, field, problem) => {
    expect(problemsOf(input)).toEqual([{ field, problem: expect.stringContaining(problem) }]);
  });
});
