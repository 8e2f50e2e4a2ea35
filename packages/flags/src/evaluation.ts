import type { JsonValue } from './flag.js';

/** What a context carries: attributes by name. Values of any other type count as missing. */
export interface EvaluationContext {
  readonly [attribute: string]: string | number | boolean | null | undefined;
}

/**
 * Why an evaluation served what it did:
 * - `disabled`: the kill switch is off; the flag's `offVariant` was served.
 * - `rule_match`: rule `ruleIndex` matched and served (a fixed variant, or a rollout: then `bucket`).
 * - `default`: no rule matched; the default rule served (with `bucket` if it is a rollout).
 * - `missing_bucket_key`: a rollout had to place the context but its bucketBy attribute is missing
 *   (or empty, or not a string or number); the `offVariant` was served, so a context the flag cannot
 *   place sticky gets what everyone gets with the flag off — never a variant that could change from
 *   one call to the next. `ruleIndex` is set when the rollout was a rule's.
 * - `error`: the definition cannot be evaluated (e.g. it refers to a segment that does not exist);
 *   the `offVariant` was served and `error` says why.
 */
export type EvaluationReason = 'disabled' | 'rule_match' | 'default' | 'missing_bucket_key' | 'error';

export interface Evaluation {
  /** The served variant's value. Frozen: it is shared by every evaluation that serves it. */
  readonly value: JsonValue;
  readonly variant: string;
  readonly reason: EvaluationReason;
  /** The index in `rules` of the rule that decided, if one did. */
  readonly ruleIndex?: number;
  /** That rule's `id`, if it has one. */
  readonly ruleId?: string;
  /** The context's bucket (0–9,999) when a rollout chose the variant. */
  readonly bucket?: number;
  /** For reason `error`: what is wrong with the definition. */
  readonly error?: string;
}
