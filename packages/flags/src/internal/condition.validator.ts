import { OPERATORS, type Operator } from '../flag.js';
import { LIMITS } from '../limits.js';
import { compilePattern } from './pattern.compiler.js';
import { fieldPath, indexPath, KEY_PATTERN, KEY_RULE, list, type ProblemList, show } from './problems.js';

/**
 * What a validator does with a `matches` pattern RE2 cannot run: `refuse` it (a problem at its field:
 * for a definition being written), or `allow` it (for a definition stored or published before
 * patterns were checked against RE2: it loads, and that pattern never matches).
 */
export type UnusablePatterns = 'refuse' | 'allow';

export interface ConditionScope {
  /** Flags may refer to segments; segments may not refer to each other. */
  readonly allowSegments: boolean;
  /** When given, a reference to a segment it does not have is a problem. */
  readonly segments?: { has(key: string): boolean };
  readonly unusablePatterns: UnusablePatterns;
}

const SINGLE_VALUE: ReadonlySet<Operator> = new Set(['equals', 'notEquals', 'lt', 'lte', 'gt', 'gte']);
const STRING_VALUES: ReadonlySet<Operator> = new Set(['startsWith', 'endsWith', 'contains', 'matches']);
const NUMBER_VALUES: ReadonlySet<Operator> = new Set(['lt', 'lte', 'gt', 'gte']);

const ATTRIBUTE_FIELDS = ['attribute', 'operator', 'values'];
const FORMS = 'an attribute condition {attribute, operator, values}, {segment} or {notSegment}';

/** Checks one condition at `path`, adding a problem per offending field. */
export function checkCondition(
  value: unknown,
  path: string,
  problems: ProblemList,
  scope: ConditionScope,
): void {
  const condition = problems.object(value, path, FORMS, [...ATTRIBUTE_FIELDS, 'segment', 'notSegment']);
  if (!condition) return;
  const forms = [
    ATTRIBUTE_FIELDS.some((name) => name in condition) ? 'attribute' : undefined,
    'segment' in condition ? 'segment' : undefined,
    'notSegment' in condition ? 'notSegment' : undefined,
  ].filter((form) => form !== undefined);
  if (forms.length !== 1) {
    problems.add(
      path,
      forms.length === 0
        ? `must be ${FORMS}; got an empty object`
        : `must be exactly one kind of condition: ${FORMS}; got ${list(forms)} together`,
    );
    return;
  }
  const form = forms[0] as string;
  if (form !== 'attribute') {
    checkSegmentReference(condition[form], fieldPath(path, form), problems, scope);
    return;
  }
  problems.string(condition.attribute, fieldPath(path, 'attribute'), { max: LIMITS.attributeLength });
  const operator = checkOperator(condition.operator, fieldPath(path, 'operator'), problems);
  checkValues(condition.values, fieldPath(path, 'values'), operator, problems, scope.unusablePatterns);
}

function checkSegmentReference(value: unknown, path: string, problems: ProblemList, scope: ConditionScope) {
  if (!scope.allowSegments) {
    problems.add(path, 'a segment cannot refer to another segment; use attribute conditions');
    return;
  }
  const key = problems.string(value, path, { max: LIMITS.keyLength, pattern: KEY_PATTERN, rule: KEY_RULE });
  if (key !== undefined && scope.segments && !scope.segments.has(key)) {
    problems.add(path, `segment '${key}' does not exist; define it first`);
  }
}

function checkOperator(value: unknown, path: string, problems: ProblemList): Operator | undefined {
  if (typeof value === 'string' && (OPERATORS as readonly string[]).includes(value)) return value as Operator;
  const required = value === undefined ? 'is required and ' : '';
  problems.add(path, `${required}must be one of ${list(OPERATORS)}; got ${show(value)}`);
  return undefined;
}

function checkValues(
  value: unknown,
  path: string,
  operator: Operator | undefined,
  problems: ProblemList,
  unusablePatterns: UnusablePatterns,
) {
  const single = operator !== undefined && SINGLE_VALUE.has(operator);
  if (single && Array.isArray(value) && value.length !== 1) {
    problems.add(path, `must hold exactly one value for ${operator}; got ${value.length}`);
    return;
  }
  const values = problems.array(value, path, { min: 1, max: LIMITS.valuesPerCondition, what: 'values' });
  if (!values) return;
  values.forEach((entry, index) =>
    checkValue(entry, indexPath(path, index), operator, problems, unusablePatterns),
  );
}

function checkValue(
  value: unknown,
  path: string,
  operator: Operator | undefined,
  problems: ProblemList,
  unusablePatterns: UnusablePatterns,
) {
  if (operator !== undefined && NUMBER_VALUES.has(operator)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.add(path, `must be a finite number for ${operator}; got ${show(value)}`);
    }
    return;
  }
  if (operator !== undefined && STRING_VALUES.has(operator)) {
    if (typeof value !== 'string') {
      problems.add(path, `must be a string for ${operator}; got ${show(value)}`);
    } else if (operator === 'matches') {
      checkPattern(value, path, problems, unusablePatterns);
    }
    return;
  }
  const scalar =
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value));
  if (!scalar) problems.add(path, `must be a string, a finite number or a boolean; got ${show(value)}`);
}

function checkPattern(source: string, path: string, problems: ProblemList, unusable: UnusablePatterns) {
  if (source.length > LIMITS.patternLength) {
    problems.add(path, `must be at most ${LIMITS.patternLength} characters; got ${source.length}`);
    return;
  }
  if (unusable === 'allow') return;
  const compiled = compilePattern(source);
  if (!compiled.ok) problems.add(path, compiled.problem);
}
