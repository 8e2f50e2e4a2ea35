/**
 * The `matches` operator's patterns. They run on RE2 (the re2js port), whose matching time grows
 * linearly with the value's length whatever the pattern, so neither a bad pattern (`(a+)+$`) nor a
 * hostile context value can pin the CPU of a service evaluating flags. The price is RE2's syntax:
 *
 * - no lookahead/lookbehind (`(?=`, `(?!`, `(?<=`, `(?<!`) and no backreferences (`\1`, `\k<name>`);
 *   such a pattern is refused when a definition is written;
 * - no `\uXXXX` escapes: write the character itself or `\x{e9}`; `(?P<name>…)` and `(?<name>…)` both work;
 * - flags inside the pattern: `(?i)` for case-insensitive (the default is case-sensitive, as before),
 *   `(?s)` for `.` matching `\n`, `(?m)` for `^`/`$` at line ends;
 * - RE2 reads code points: `.` matches one emoji and `\r`, `\u2028`, `\u2029` (V8's `.` did not),
 *   `\s` is ASCII white space only (V8's included `\u00a0` and other Unicode spaces), and `\A`, `\z`,
 *   `\p{L}` are anchors and classes (V8 read them as the letters `A`, `z` and `p{L}`).
 *
 * A pattern is an unanchored search (`^`/`$` anchor it), like `RegExp.prototype.test`.
 */
import type { AttributeCondition, Flag } from './flag.js';
import { compilePattern } from './internal/pattern.compiler.js';
import { type FieldProblem, indexPath } from './internal/problems.js';
import type { Segment } from './segment.js';

/**
 * The `matches` patterns of a validated flag or segment that RE2 cannot run, each at its field
 * (`rules[0].conditions[1].values[0]`, `conditions[0].values[2]`) with the reason. Empty for anything
 * written since patterns are checked against RE2; a definition stored or published before may have
 * some. Such a pattern never matches (the other values of its condition still do): a loader
 * (flags-service, the SDK) logs this list once per version it loads.
 */
export function unusablePatterns(definition: Flag | Segment): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const check = (conditions: readonly unknown[] | undefined, path: string) =>
    conditions?.forEach((condition, c) => {
      const attribute = condition as Partial<AttributeCondition>;
      if (attribute.operator !== 'matches') return;
      attribute.values?.forEach((source, v) => {
        const compiled = compilePattern(String(source));
        if (!compiled.ok) {
          problems.push({ field: indexPath(`${indexPath(path, c)}.values`, v), problem: compiled.problem });
        }
      });
    });
  if ('variants' in definition) {
    definition.rules?.forEach((rule, r) => check(rule.conditions, `${indexPath('rules', r)}.conditions`));
  } else {
    check(definition.conditions, 'conditions');
  }
  return problems;
}
