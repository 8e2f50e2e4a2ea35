import { checkCondition, type UnusablePatterns } from './internal/condition.validator.js';
import { type FieldProblem, indexPath, KEY_PATTERN, KEY_RULE, ProblemList } from './internal/problems.js';
import { LIMITS } from './limits.js';
import type { Segment } from './segment.js';

export type SegmentValidation =
  | { readonly ok: true; readonly segment: Segment }
  | { readonly ok: false; readonly problems: readonly FieldProblem[] };

export interface ValidateSegmentOptions {
  /** As in `ValidateFlagOptions`: `refuse` (the default) or `allow` patterns RE2 cannot run. */
  readonly unusablePatterns?: UnusablePatterns;
}

const SEGMENT_FIELDS = ['key', 'description', 'includedUserIds', 'excludedUserIds', 'conditions'];

/**
 * Checks a segment definition from outside and lists every problem with the field it is in, never
 * throwing. On success, `segment` is a copy of the input, typed.
 */
export function validateSegment(input: unknown, options: ValidateSegmentOptions = {}): SegmentValidation {
  const problems = new ProblemList();
  const segment = problems.object(input, '', 'a JSON object describing a segment', SEGMENT_FIELDS);
  if (!segment) return { ok: false, problems: problems.problems };

  problems.string(segment.key, 'key', { max: LIMITS.keyLength, pattern: KEY_PATTERN, rule: KEY_RULE });
  problems.string(segment.description, 'description', { max: LIMITS.descriptionLength, required: false });
  const included = checkUserIds(segment.includedUserIds, 'includedUserIds', problems);
  const excluded = checkUserIds(segment.excludedUserIds, 'excludedUserIds', problems);
  if (included && excluded) {
    const inIncluded = new Set(included);
    excluded.forEach((id, index) => {
      if (inIncluded.has(id)) {
        problems.add(
          indexPath('excludedUserIds', index),
          `'${id}' is also in includedUserIds; a user id belongs in one list (exclusion would win)`,
        );
      }
    });
  }
  if (segment.conditions !== undefined) {
    const conditions = problems.array(segment.conditions, 'conditions', {
      min: 0,
      max: LIMITS.conditionsPerRule,
      what: 'conditions',
    });
    conditions?.forEach((condition, index) =>
      checkCondition(condition, indexPath('conditions', index), problems, {
        allowSegments: false,
        unusablePatterns: options.unusablePatterns ?? 'refuse',
      }),
    );
  }

  if (!problems.empty) return { ok: false, problems: problems.problems };
  return { ok: true, segment: structuredClone(segment) as unknown as Segment };
}

function checkUserIds(value: unknown, path: string, problems: ProblemList): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const ids = problems.array(value, path, { min: 0, max: LIMITS.segmentUserIds, what: 'user ids' });
  if (!ids) return undefined;
  let valid = true;
  ids.forEach((id, index) => {
    if (problems.string(id, indexPath(path, index), { max: LIMITS.userIdLength }) === undefined)
      valid = false;
  });
  return valid ? (ids as readonly string[]) : undefined;
}
