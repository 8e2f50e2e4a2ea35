export {
  DEFAULT_BUCKET_BY,
  isAttributeCondition,
  isRolloutServe,
  OPERATORS,
  type AttributeCondition,
  type Condition,
  type ConditionValue,
  type FixedServe,
  type Flag,
  type JsonValue,
  type NotSegmentCondition,
  type Operator,
  type RolloutServe,
  type RolloutShare,
  type Rule,
  type SegmentCondition,
  type Serve,
} from './flag.js';
export { SEGMENT_USER_ATTRIBUTE, type Segment } from './segment.js';
export type { Evaluation, EvaluationContext, EvaluationReason } from './evaluation.js';
export { LIMITS } from './limits.js';

export {
  validateFlag,
  type FieldProblem,
  type FlagValidation,
  type UnusablePatterns,
  type ValidateFlagOptions,
} from './flag.validator.js';
export { validateSegment, type SegmentValidation, type ValidateSegmentOptions } from './segment.validator.js';
export { unusablePatterns } from './patterns.js';

export { CompiledFlag, compileFlag, evaluate } from './compiled-flag.js';
export { BUCKETS, bucketerFor, bucketOf } from './bucketing.js';
export { stableHash32 } from '@platform/hashing';

export {
  InvalidFlagError,
  InvalidSegmentError,
  isInvalidFlagError,
  isInvalidSegmentError,
} from './errors.js';
