import { bucketerFor, BUCKETS } from '../bucketing.js';
import type { Evaluation, EvaluationContext } from '../evaluation.js';
import { DEFAULT_BUCKET_BY, isRolloutServe, type JsonValue, type RolloutServe, type Serve } from '../flag.js';
import { weightInBuckets } from './serve.validator.js';

/** A compiled serve: the evaluation for a context that reached it. */
export type ServeFn = (context: EvaluationContext) => Evaluation;

/** Where a serve sits: the default rule, or rule `ruleIndex`. */
export interface ServeSite {
  readonly ruleIndex?: number;
  readonly ruleId?: string;
}

/** What a serve needs of its (validated) flag. */
export interface ServeFlag {
  readonly key: string;
  readonly variants: { readonly [variant: string]: JsonValue };
  readonly offVariant: string;
}

/**
 * A frozen evaluation with only the fields that apply, for results that are the same for every context
 * (fixed variants, disabled, missing bucket key): built once, returned with no allocation.
 */
export function fixedResult(fields: Evaluation): Evaluation {
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) result[name] = value;
  return Object.freeze(result) as unknown as Evaluation;
}

export function compileServe(serve: Serve, site: ServeSite, flag: ServeFlag): ServeFn {
  const reason = site.ruleIndex === undefined ? 'default' : 'rule_match';
  if (!isRolloutServe(serve)) {
    const result = fixedResult({
      value: flag.variants[serve.variant] as JsonValue,
      variant: serve.variant,
      reason,
      ...site,
    });
    return () => result;
  }
  return compileRollout(serve, site, flag);
}

/**
 * A rollout: the context's bucket (see `bucketing.ts`) falls in one variant's consecutive range, the
 * ranges laid out in the order the variants are listed — `upper[i]` is where variant i's range ends.
 */
function compileRollout(serve: RolloutServe, site: ServeSite, flag: ServeFlag): ServeFn {
  const bucketBy = serve.bucketBy ?? DEFAULT_BUCKET_BY;
  const bucketOf = bucketerFor(flag.key);
  const upper = new Int32Array(serve.rollout.length);
  let end = 0;
  serve.rollout.forEach((share, i) => {
    end += weightInBuckets(share.weight);
    upper[i] = end;
  });
  upper[upper.length - 1] = BUCKETS; // validated to sum to 100%; guards the scan below regardless
  const variants = serve.rollout.map((share) => share.variant);
  const values = variants.map((variant) => flag.variants[variant] as JsonValue);
  const missing = fixedResult({
    value: flag.variants[flag.offVariant] as JsonValue,
    variant: flag.offVariant,
    reason: 'missing_bucket_key',
    ...site,
  });
  const { ruleIndex, ruleId } = site;
  // One object shape per site, so the hot path builds the result with a plain literal.
  const make: (i: number, bucket: number) => Evaluation =
    ruleIndex === undefined
      ? (i, bucket) => ({
          value: values[i] as JsonValue,
          variant: variants[i] as string,
          reason: 'default',
          bucket,
        })
      : ruleId === undefined
        ? (i, bucket) => ({
            value: values[i] as JsonValue,
            variant: variants[i] as string,
            reason: 'rule_match',
            ruleIndex,
            bucket,
          })
        : (i, bucket) => ({
            value: values[i] as JsonValue,
            variant: variants[i] as string,
            reason: 'rule_match',
            ruleIndex,
            ruleId,
            bucket,
          });

  return (context) => {
    const raw = context[bucketBy];
    let key: string;
    if (typeof raw === 'string' && raw.length > 0) key = raw;
    else if (typeof raw === 'number' && Number.isFinite(raw)) key = String(raw);
    else return missing;
    const bucket = bucketOf(key);
    let i = 0;
    while (bucket >= (upper[i] as number)) i++;
    return make(i, bucket);
  };
}
