import { RE2JS } from 're2js';

import { LIMITS } from '../limits.js';

/** A `matches` pattern ready to test values, or why it cannot run. */
export type PatternCompilation =
  | { readonly ok: true; readonly test: (value: string) => boolean }
  | { readonly ok: false; readonly problem: string };

const PARSE_ERROR_PREFIX = /^error parsing regexp: /;
const LOOKAROUND = /\(\?<?[=!]/;
const BACKREFERENCE = /\\(?:[1-9]|k<)/;

/**
 * Compiles a `matches` pattern with RE2 (re2js), the engine whose matching time grows linearly with
 * the value's length whatever the pattern: no backtracking, so `(a+)+$` cannot pin a CPU. No flags:
 * case-sensitive, `^`/`$` at the ends of the value, `.` not matching `\n`; `(?i)`, `(?m)`, `(?s)` in
 * the pattern turn them on. Never throws: a pattern RE2 refuses (lookaround, backreferences, a syntax
 * error) or that compiles to more than {@link LIMITS.patternProgramSize} instructions comes back with
 * the problem in words for a field message.
 */
export function compilePattern(source: string): PatternCompilation {
  let pattern: RE2JS;
  try {
    pattern = RE2JS.compile(source);
  } catch (error) {
    const reason = (error as Error).message.replace(PARSE_ERROR_PREFIX, '');
    return { ok: false, problem: `is not a pattern RE2 can run: ${reason}${hint(source)}` };
  }
  const size = pattern.programSize();
  if (size > LIMITS.patternProgramSize) {
    return {
      ok: false,
      problem:
        `is too complex: it compiles to ${size} instructions, at most ${LIMITS.patternProgramSize}; ` +
        "split it into several values (any one matching is enough), or use 'in' for exact values",
    };
  }
  return { ok: true, test: (value) => pattern.test(value) };
}

function hint(source: string): string {
  if (LOOKAROUND.test(source)) return ' (RE2 has no lookahead or lookbehind)';
  if (BACKREFERENCE.test(source)) return ' (RE2 has no backreferences)';
  return '';
}
