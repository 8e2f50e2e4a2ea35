import type { Flag } from './flag.js';
import { checkCondition, type UnusablePatterns } from './internal/condition.validator.js';
import { checkJsonValue } from './internal/json-value.validator.js';
import {
  type FieldProblem,
  fieldPath,
  indexPath,
  isObject,
  KEY_PATTERN,
  KEY_RULE,
  ProblemList,
  show,
} from './internal/problems.js';
import { checkServe, checkVariantName } from './internal/serve.validator.js';
import { LIMITS } from './limits.js';

export type { FieldProblem } from './internal/problems.js';
export type { UnusablePatterns } from './internal/condition.validator.js';

export type FlagValidation =
  | { readonly ok: true; readonly flag: Flag }
  | { readonly ok: false; readonly problems: readonly FieldProblem[] };

export interface ValidateFlagOptions {
  /** The segments that exist. When given, a rule referring to any other segment is a problem. */
  readonly segments?: { has(key: string): boolean };
  /**
   * A `matches` pattern RE2 cannot run (lookaround, backreferences, a syntax error, too complex):
   * `refuse` (the default) makes it a problem at its field — a definition being written; `allow`
   * accepts it — a definition stored or published before patterns were checked against RE2, which
   * must still load: that pattern never matches (see `unusablePatterns` in `patterns.ts`).
   */
  readonly unusablePatterns?: UnusablePatterns;
}

const FLAG_FIELDS = ['key', 'description', 'enabled', 'variants', 'offVariant', 'defaultRule', 'rules'];
const RULE_FIELDS = ['id', 'description', 'conditions', 'serve'];
const VARIANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const VARIANT_RULE = "must be letters, digits, '.', '_' or '-', starting with a letter or digit";

/**
 * Checks a flag definition from outside (a request body, a row, a message) and lists every problem
 * with the field it is in — `rules[1].conditions[0].operator`, `defaultRule.rollout`, `offVariant` —
 * never throwing. On success, `flag` is a copy of the input, typed.
 */
export function validateFlag(input: unknown, options: ValidateFlagOptions = {}): FlagValidation {
  const problems = new ProblemList();
  const flag = problems.object(input, '', 'a JSON object describing a flag', FLAG_FIELDS);
  if (!flag) return { ok: false, problems: problems.problems };

  problems.string(flag.key, 'key', { max: LIMITS.keyLength, pattern: KEY_PATTERN, rule: KEY_RULE });
  problems.string(flag.description, 'description', { max: LIMITS.descriptionLength, required: false });
  if (typeof flag.enabled !== 'boolean') {
    const required = flag.enabled === undefined ? 'is required and ' : '';
    problems.add('enabled', `${required}must be true or false; got ${show(flag.enabled)}`);
  }
  const variants = checkVariants(flag.variants, problems);
  checkVariantName(flag.offVariant, 'offVariant', problems, variants);
  if (flag.defaultRule === undefined) {
    problems.add('defaultRule', 'is required: what to serve when no rule matches, e.g. {"variant": "off"}');
  } else {
    checkServe(flag.defaultRule, 'defaultRule', problems, variants);
  }
  if (flag.rules !== undefined) checkRules(flag.rules, problems, variants, options);

  if (!problems.empty) return { ok: false, problems: problems.problems };
  return { ok: true, flag: structuredClone(flag) as unknown as Flag };
}

/** Returns the variant names when `variants` is an object, so references can be checked. */
function checkVariants(value: unknown, problems: ProblemList): readonly string[] | undefined {
  if (!isObject(value)) {
    const required = value === undefined ? 'is required and ' : '';
    problems.add(
      'variants',
      `${required}must be an object of variant name to value, e.g. {"on": true, "off": false}; got ${show(value)}`,
    );
    return undefined;
  }
  const variants = value;
  const names = Object.keys(variants);
  if (names.length === 0 || names.length > LIMITS.variants) {
    problems.add('variants', `must have 1-${LIMITS.variants} variants; got ${names.length}`);
    if (names.length === 0) return undefined; // references to variants would only repeat this
  }
  for (const name of names) {
    const path = fieldPath('variants', name);
    problems.string(name, path, { max: LIMITS.keyLength, pattern: VARIANT_PATTERN, rule: VARIANT_RULE });
    checkJsonValue(variants[name], path, problems);
  }
  return names;
}

function checkRules(
  value: unknown,
  problems: ProblemList,
  variants: readonly string[] | undefined,
  options: ValidateFlagOptions,
) {
  const rules = problems.array(value, 'rules', { min: 0, max: LIMITS.rules, what: 'rules' });
  if (!rules) return;
  const ids = new Map<string, number>();
  rules.forEach((entry, index) => {
    const path = indexPath('rules', index);
    const rule = problems.object(entry, path, 'an object {conditions, serve}', RULE_FIELDS);
    if (!rule) return;
    const id = problems.string(rule.id, fieldPath(path, 'id'), { max: LIMITS.keyLength, required: false });
    if (id !== undefined) {
      const first = ids.get(id);
      if (first === undefined) ids.set(id, index);
      else
        problems.add(fieldPath(path, 'id'), `'${id}' is also the id of rules[${first}]; ids must be unique`);
    }
    problems.string(rule.description, fieldPath(path, 'description'), {
      max: LIMITS.descriptionLength,
      required: false,
    });
    const conditionsPath = fieldPath(path, 'conditions');
    if (Array.isArray(rule.conditions) && rule.conditions.length === 0) {
      problems.add(
        conditionsPath,
        'must have at least one condition (a rule without conditions matches everyone: use defaultRule)',
      );
    } else {
      const conditions = problems.array(rule.conditions, conditionsPath, {
        min: 1,
        max: LIMITS.conditionsPerRule,
        what: 'conditions',
      });
      conditions?.forEach((condition, at) =>
        checkCondition(condition, indexPath(conditionsPath, at), problems, {
          allowSegments: true,
          segments: options.segments,
          unusablePatterns: options.unusablePatterns ?? 'refuse',
        }),
      );
    }
    checkServe(rule.serve, fieldPath(path, 'serve'), problems, variants);
  });
}
