import { BUCKETS } from '../bucketing.js';
import { LIMITS } from '../limits.js';
import { fieldPath, indexPath, list, type ProblemList, show } from './problems.js';

/** Checks a rule's (or the default rule's) serve at `path`; `variants` are the flag's, if known. */
export function checkServe(
  value: unknown,
  path: string,
  problems: ProblemList,
  variants: readonly string[] | undefined,
): void {
  const serve = problems.object(
    value,
    path,
    'an object with variant (one variant for everyone) or rollout (a percentage split)',
    ['variant', 'rollout', 'bucketBy'],
  );
  if (!serve) return;
  const hasVariant = 'variant' in serve;
  const hasRollout = 'rollout' in serve;
  if (hasVariant === hasRollout) {
    problems.add(
      path,
      hasVariant
        ? 'must have either variant or rollout, not both'
        : 'must have variant (one variant for everyone) or rollout (a percentage split)',
    );
    return;
  }
  if (hasVariant) {
    checkVariantName(serve.variant, fieldPath(path, 'variant'), problems, variants);
    if ('bucketBy' in serve) problems.add(fieldPath(path, 'bucketBy'), 'applies only to a rollout');
    return;
  }
  if ('bucketBy' in serve) {
    problems.string(serve.bucketBy, fieldPath(path, 'bucketBy'), { max: LIMITS.attributeLength });
  }
  checkRollout(serve.rollout, fieldPath(path, 'rollout'), problems, variants);
}

/** A variant reference: a string that names one of `variants`. */
export function checkVariantName(
  value: unknown,
  path: string,
  problems: ProblemList,
  variants: readonly string[] | undefined,
): string | undefined {
  if (typeof value !== 'string') {
    problems.add(
      path,
      `${value === undefined ? 'is required and ' : ''}must name a variant; got ${show(value)}`,
    );
    return undefined;
  }
  if (variants && !variants.includes(value)) {
    problems.add(path, `'${value}' is not one of the variants ${list(variants)}`);
    return undefined;
  }
  return value;
}

function checkRollout(
  value: unknown,
  path: string,
  problems: ProblemList,
  variants: readonly string[] | undefined,
) {
  const shares = problems.array(value, path, { min: 1, max: LIMITS.variants, what: 'variant shares' });
  if (!shares) return;
  const seen = new Set<string>();
  let total = 0;
  let weightsValid = true;
  shares.forEach((entry, index) => {
    const sharePath = indexPath(path, index);
    const share = problems.object(entry, sharePath, 'an object {variant, weight}', ['variant', 'weight']);
    if (!share) {
      weightsValid = false;
      return;
    }
    const variant = checkVariantName(share.variant, fieldPath(sharePath, 'variant'), problems, variants);
    if (variant !== undefined && seen.has(variant)) {
      problems.add(fieldPath(sharePath, 'variant'), `'${variant}' is listed twice; list each variant once`);
    }
    if (variant !== undefined) seen.add(variant);
    const buckets = checkWeight(share.weight, fieldPath(sharePath, 'weight'), problems);
    if (buckets === undefined) weightsValid = false;
    else total += buckets;
  });
  if (weightsValid && total !== BUCKETS) {
    problems.add(path, `weights must sum to 100, got ${total / 100}`);
  }
}

/** A weight in percent, 0–100 with at most two decimals; returns it in buckets (hundredths). */
function checkWeight(value: unknown, path: string, problems: ProblemList): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    problems.add(path, `must be a number of percent (0-100); got ${show(value)}`);
    return undefined;
  }
  if (value < 0 || value > 100) {
    problems.add(path, `must be between 0 and 100 (percent); got ${value}`);
    return undefined;
  }
  const buckets = Math.round(value * 100);
  if (Math.abs(value * 100 - buckets) > 1e-6) {
    problems.add(path, `must have at most two decimals (0.01% is the smallest step); got ${value}`);
    return undefined;
  }
  return buckets;
}

/** A validated weight in buckets. */
export function weightInBuckets(weight: number): number {
  return Math.round(weight * 100);
}
