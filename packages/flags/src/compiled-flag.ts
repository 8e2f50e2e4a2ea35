import { InvalidFlagError, InvalidSegmentError } from './errors.js';
import type { Evaluation, EvaluationContext } from './evaluation.js';
import { type Condition, type Flag, isAttributeCondition, type JsonValue } from './flag.js';
import { validateFlag } from './flag.validator.js';
import { compileAttributeCondition, type Predicate } from './internal/condition.compiler.js';
import { deepFreeze } from './internal/deep-freeze.js';
import { compileSegment } from './internal/segment.compiler.js';
import { compileServe, fixedResult, type ServeFn } from './internal/serve.compiler.js';
import type { Segment } from './segment.js';
import { validateSegment } from './segment.validator.js';

interface CompiledRule {
  readonly conditions: readonly Predicate[];
  readonly serve: ServeFn;
}

const NO_SEGMENTS: ReadonlyMap<string, Segment> = new Map();

/**
 * Validated segments compiled once per definition object, shared by every flag that refers to them.
 * Definitions are treated as immutable values: give a changed segment as a new object.
 */
const compiledSegments = new WeakMap<Segment, Predicate>();

/**
 * A flag ready to evaluate: validated once, its sets, RE2 patterns, segments and rollout ranges built
 * once, so {@link CompiledFlag.evaluate} is a few comparisons and one hash, and never throws. A
 * `matches` pattern RE2 cannot run (in a definition stored before patterns were checked) does not stop
 * the flag from loading: it never matches; `unusablePatterns(definition)` lists such patterns.
 *
 * Order of evaluation: the kill switch (`enabled: false` → `offVariant`, reason `disabled`); then a
 * definition that refers to a segment missing from the map given at compile time serves `offVariant`
 * with reason `error` to everyone (fail closed: a deleted "blocked users" segment must not unblock them);
 * then the rules in order, the first whose conditions all hold serving; then the default rule.
 */
export class CompiledFlag {
  readonly key: string;
  /** The validated definition, deep-frozen. */
  readonly definition: Flag;
  /** The segments the rules refer to: recompile the flag when one of them changes. */
  readonly segmentKeys: ReadonlySet<string>;

  private readonly disabled: Evaluation | undefined;
  private readonly broken: Evaluation | undefined;
  private readonly rules: readonly CompiledRule[];
  private readonly serveDefault: ServeFn;

  constructor(flag: Flag, segments: ReadonlyMap<string, Segment>) {
    // A definition being loaded, perhaps stored before patterns were checked against RE2: one RE2
    // cannot run loads, and never matches (see `unusablePatterns`).
    const validation = validateFlag(flag, { unusablePatterns: 'allow' });
    if (!validation.ok) {
      const key = typeof (flag as Partial<Flag> | null)?.key === 'string' ? flag.key : undefined;
      throw new InvalidFlagError(key, validation.problems);
    }
    const definition = deepFreeze(validation.flag);
    this.definition = definition;
    this.key = definition.key;
    const rules = definition.rules ?? [];
    this.segmentKeys = new Set(rules.flatMap((rule) => rule.conditions.flatMap(segmentKeyOf)));

    const offValue = definition.variants[definition.offVariant] as JsonValue;
    const off = (fields: Pick<Evaluation, 'reason' | 'error'>) =>
      fixedResult({ value: offValue, variant: definition.offVariant, ...fields });
    this.disabled = definition.enabled ? undefined : off({ reason: 'disabled' });
    const missing = [...this.segmentKeys].filter((key) => !segments.has(key));
    this.broken =
      missing.length === 0
        ? undefined
        : off({ reason: 'error', error: `unknown segment ${missing.map((key) => `'${key}'`).join(', ')}` });

    const segmentPredicates = new Map<string, Predicate>();
    for (const key of this.segmentKeys) {
      const segment = segments.get(key);
      if (segment) segmentPredicates.set(key, segmentPredicate(key, segment));
    }
    const compileCondition = (condition: Condition): Predicate => {
      if (isAttributeCondition(condition)) return compileAttributeCondition(condition);
      if ('segment' in condition) return segmentPredicates.get(condition.segment) ?? noSegment;
      const inSegment = segmentPredicates.get(condition.notSegment) ?? noSegment;
      return (context) => !inSegment(context);
    };
    this.rules = rules.map((rule, ruleIndex) => ({
      conditions: rule.conditions.map(compileCondition),
      serve: compileServe(rule.serve, { ruleIndex, ruleId: rule.id }, definition),
    }));
    this.serveDefault = compileServe(definition.defaultRule, {}, definition);
  }

  /** The variant this flag serves the context, and why. Pure: the same context gives the same result. */
  evaluate(context: EvaluationContext): Evaluation {
    if (this.disabled !== undefined) return this.disabled;
    if (this.broken !== undefined) return this.broken;
    const rules = this.rules;
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r] as CompiledRule;
      const conditions = rule.conditions;
      let matches = true;
      for (let c = 0; c < conditions.length; c++) {
        if (!(conditions[c] as Predicate)(context)) {
          matches = false;
          break;
        }
      }
      if (matches) return rule.serve(context);
    }
    return this.serveDefault(context);
  }
}

/**
 * Validates and compiles a flag for repeated evaluation, with the segments its rules refer to.
 * Patterns RE2 cannot run are accepted here (they never match); `validateFlag` refuses them when a
 * definition is written. Throws {@link InvalidFlagError} for an invalid definition and {@link InvalidSegmentError} for an invalid
 * segment it refers to; a segment missing from `segments` is not thrown (see {@link CompiledFlag}).
 */
export function compileFlag(flag: Flag, segments: ReadonlyMap<string, Segment> = NO_SEGMENTS): CompiledFlag {
  return new CompiledFlag(flag, segments);
}

/**
 * Evaluates a flag once: compiles it, then evaluates. For anything called more than once per definition
 * (an SDK, a request handler), compile once with {@link compileFlag} and call its `evaluate`.
 */
export function evaluate(
  flag: Flag,
  context: EvaluationContext,
  segments: ReadonlyMap<string, Segment> = NO_SEGMENTS,
): Evaluation {
  return compileFlag(flag, segments).evaluate(context);
}

function segmentKeyOf(condition: Condition): string[] {
  if ('segment' in condition) return [condition.segment];
  if ('notSegment' in condition) return [condition.notSegment];
  return [];
}

function segmentPredicate(key: string, segment: Segment): Predicate {
  const cached = compiledSegments.get(segment);
  if (cached && segment.key === key) return cached;
  const validation = validateSegment(segment, { unusablePatterns: 'allow' });
  if (!validation.ok) throw new InvalidSegmentError(key, validation.problems);
  if (validation.segment.key !== key) {
    throw new InvalidSegmentError(key, [
      { field: 'key', problem: `is '${validation.segment.key}' but the segment was given under '${key}'` },
    ]);
  }
  const predicate = compileSegment(validation.segment);
  compiledSegments.set(segment, predicate);
  return predicate;
}

/** Stands in for a missing segment; never reached, since such a flag evaluates to its error result. */
function noSegment(): boolean {
  return false;
}
