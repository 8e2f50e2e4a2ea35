import { describe, expect, it } from '@jest/globals';

import { LIMITS } from '../limits.js';
import { compilePattern } from './pattern.compiler.js';

describe(compilePattern.name, () => {
  it('compiles an RE2 pattern into a test that searches the value', () => {
    const compiled = compilePattern('@(example|corp)\\.com$');
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    expect(['ada@example.com', 'bo@corp.com', 'eve@example.org'].map(compiled.test)).toEqual([
      true,
      true,
      false,
    ]);
  });

  it.each([
    ['(?=admin)', 'invalid or unsupported Perl syntax: `(?=` (RE2 has no lookahead or lookbehind)'],
    ['(?<=@)corp', 'invalid named capture: `(?<=@)corp` (RE2 has no lookahead or lookbehind)'],
    ['(?<n>a)\\k<n>', 'invalid escape sequence: `\\k` (RE2 has no backreferences)'],
    ['[z-a]', 'invalid character class range: `z-a`'],
    ['\\u00e9', 'invalid escape sequence: `\\u`'],
    ['a{1001}', 'invalid repeat count: `{1001}`'],
  ])('says why RE2 cannot run %s', (source, reason) => {
    expect(compilePattern(source)).toEqual({ ok: false, problem: `is not a pattern RE2 can run: ${reason}` });
  });

  it(`refuses a pattern of more than ${LIMITS.patternProgramSize} instructions, however short its source`, () => {
    expect(compilePattern('a[ab]{96}!').ok).toBe(true); // 100 instructions
    expect(compilePattern('a[ab]{97}!')).toEqual({
      ok: false,
      problem: expect.stringContaining('is too complex: it compiles to 101 instructions, at most 100'),
    });
  });
});
