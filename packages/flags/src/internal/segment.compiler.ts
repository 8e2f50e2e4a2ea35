import type { EvaluationContext } from '../evaluation.js';
import { SEGMENT_USER_ATTRIBUTE, type Segment } from '../segment.js';
import { compileAttributeCondition, type Predicate } from './condition.compiler.js';

/**
 * A validated segment ready to test contexts against (order of checks in {@link Segment}): the user
 * id lists as sets, the conditions as predicates.
 */
export function compileSegment(segment: Segment): Predicate {
  const excluded = new Set(segment.excludedUserIds ?? []);
  const included = new Set(segment.includedUserIds ?? []);
  const conditions = (segment.conditions ?? []).map(compileAttributeCondition);
  const count = conditions.length;
  return (context: EvaluationContext) => {
    const raw = context[SEGMENT_USER_ATTRIBUTE];
    const userId = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : undefined;
    if (userId !== undefined) {
      if (excluded.has(userId)) return false;
      if (included.has(userId)) return true;
    }
    if (count === 0) return false;
    for (let i = 0; i < count; i++) if (!(conditions[i] as Predicate)(context)) return false;
    return true;
  };
}
