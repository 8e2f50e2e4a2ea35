import { performance } from 'node:perf_hooks';

import { describe, expect, it } from '@jest/globals';

import { compileFlag } from './compiled-flag.js';
import type { Flag } from './flag.js';
import { unusablePatterns } from './patterns.js';
import type { Segment } from './segment.js';

/** A flag serving `on` to contexts whose `value` matches any of the patterns, `off` to the rest. */
function matching(...patterns: string[]): Flag {
  return {
    key: 'patterned',
    enabled: true,
    variants: { on: true, off: false },
    offVariant: 'off',
    rules: [
      {
        conditions: [{ attribute: 'value', operator: 'matches', values: patterns }],
        serve: { variant: 'on' },
      },
    ],
    defaultRule: { variant: 'off' },
  };
}

const served = (flag: Flag, value: string, segments?: ReadonlyMap<string, Segment>) =>
  compileFlag(flag, segments).evaluate({ userId: 'u-1', value }).variant;

/** The fastest of `runs` calls, in milliseconds: the least disturbed measurement. */
function fastest(call: () => unknown, runs = 5): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    call();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

describe('matches patterns (RE2)', () => {
  it('searches the whole value, case-sensitively, unless the pattern says otherwise', () => {
    expect(served(matching('example'), 'ada@example.com')).toBe('on'); // unanchored, like RegExp.test
    expect(served(matching('^example'), 'ada@example.com')).toBe('off');
    expect(served(matching('@example\\.com$'), 'ada@EXAMPLE.com')).toBe('off');
    expect(served(matching('(?i)@example\\.com$'), 'ada@EXAMPLE.com')).toBe('on');
    expect(served(matching('^v2$'), 'v2\n')).toBe('off'); // `$` is the end of the value only
    expect(served(matching('^a.c$'), 'a\nc')).toBe('off');
    expect(served(matching('(?s)^a.c$'), 'a\nc')).toBe('on');
    expect(served(matching('^.$'), '😀')).toBe('on'); // code points, not UTF-16 halves
  });

  // Patterns a backtracking engine (V8's RegExp) takes exponential or polynomial time over, each
  // against a value built to make it fail late.
  const HOSTILE: [pattern: string, value: string][] = [
    ['(a+)+$', `${'a'.repeat(100_000)}!`],
    ['(a|aa)+$', `${'a'.repeat(100_000)}!`],
    ['(a|a)*b$', `${'a'.repeat(100_000)}!`],
    ['^(\\w+\\s?)*$', `${'ab '.repeat(33_333)}!`],
    ['^(([a-z])+.)+[A-Z]([a-z])+$', `${'a'.repeat(100_000)}!`],
    ['(.*a){10}$', `${'a'.repeat(100_000)}!`],
    ['^(.*,)*x$', ','.repeat(100_000)],
  ];

  it.each(HOSTILE)(
    'evaluates %s against a 100 KB value in time comparable to a one-pass scan of it',
    (pattern, value) => {
      expect(unusablePatterns(matching(pattern))).toEqual([]); // it really runs
      const hostile = compileFlag(matching(pattern));
      // The reference scans every character and finds nothing: the cheapest a pattern can be.
      const scan = compileFlag(matching('[0-9]'));
      expect(scan.evaluate({ value }).variant).toBe('off');
      hostile.evaluate({ value }); // builds RE2's DFA states once, as the first real call would

      const reference = fastest(() => scan.evaluate({ value }));
      const elapsed = fastest(() => hostile.evaluate({ value }));

      // Linear, with a constant of a few one-pass scans; a backtracking engine would not finish.
      expect(elapsed).toBeLessThan(25 * reference);
    },
  );

  it('loads a stored definition whose pattern RE2 cannot run: that pattern never matches, the others do', () => {
    const stored = matching('^(?=.*admin)', '(\\w)\\1', '@example\\.com$');

    expect(unusablePatterns(stored)).toEqual([
      {
        field: 'rules[0].conditions[0].values[0]',
        problem:
          'is not a pattern RE2 can run: invalid or unsupported Perl syntax: `(?=` (RE2 has no lookahead or lookbehind)',
      },
      {
        field: 'rules[0].conditions[0].values[1]',
        problem: 'is not a pattern RE2 can run: invalid escape sequence: `\\1` (RE2 has no backreferences)',
      },
    ]);
    expect(served(stored, 'admin@corp.org')).toBe('off');
    expect(served(stored, 'aab')).toBe('off');
    expect(served(stored, 'ada@example.com')).toBe('on');
    expect(served(matching('(?<!x)y'), 'y')).toBe('off'); // only unusable patterns: the condition is false
  });

  it('treats a segment condition with a pattern RE2 cannot run as not holding', () => {
    const staff: Segment = {
      key: 'staff',
      includedUserIds: ['u-included'],
      conditions: [{ attribute: 'value', operator: 'matches', values: ['^(?!guest)'] }],
    };
    const flag: Flag = {
      ...matching('unused'),
      rules: [{ conditions: [{ segment: 'staff' }], serve: { variant: 'on' } }],
    };
    const segments = new Map([['staff', staff]]);

    expect(unusablePatterns(staff)).toEqual([
      { field: 'conditions[0].values[0]', problem: expect.stringContaining('invalid or unsupported Perl') },
    ]);
    expect(served(flag, 'member', segments)).toBe('off');
    expect(compileFlag(flag, segments).evaluate({ userId: 'u-included' }).variant).toBe('on');
  });

  it('lists nothing for definitions without patterns RE2 refuses', () => {
    expect(unusablePatterns(matching('^v2\\.', '(?i)@example\\.com$'))).toEqual([]);
    expect(unusablePatterns({ ...matching('x'), rules: undefined })).toEqual([]);
    expect(unusablePatterns({ key: 'empty' })).toEqual([]);
  });
});
