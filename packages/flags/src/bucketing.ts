/**
 * Sticky buckets for percentage rollouts.
 *
 * A context's bucket for a flag is
 *
 *     bucket = fmix32(FNV-1a-32(UTF-8 bytes of `${flagKey}:${bucketKey}`)) mod 10,000
 *
 * where `bucketKey` is the value of the rollout's bucketBy attribute (`userId` unless it says
 * otherwise; a number as its decimal text) — FNV-1a with MurmurHash3's fmix32 finaliser, so that
 * neighbouring ids (`user-1`, `user-2`) land far apart. It is the same in every process, every version
 * and every language that follows this formula, so an SDK and flags-service always agree. The flag key
 * is part of the input, so two flags at the same percentage enable different (independent) users.
 *
 * A rollout's variants take consecutive bucket ranges in the order listed: with weights w1, w2, …
 * (percent, 0.01 = one bucket) the first variant gets buckets [0, 100·w1), the next
 * [100·w1, 100·(w1 + w2)), and so on. Hence rollouts are **monotone**: raising the first variant from
 * 30% to 50% keeps every user who had it and adds the buckets 3,000–4,999; lowering it to 10% removes
 * only the users in buckets 1,000–2,999. Reordering the variants, changing the flag key or changing
 * bucketBy reshuffles everyone.
 */

import { stableHash32, stableHash32WithPrefix } from '@platform/hashing';

/** Number of buckets: weights have a resolution of 0.01%. */
export const BUCKETS = 10_000;

/** The bucket (0–9,999) of `bucketKey` in the flag `flagKey`'s rollouts. */
export function bucketOf(flagKey: string, bucketKey: string): number {
  return stableHash32(`${flagKey}:${bucketKey}`) % BUCKETS;
}

/**
 * {@link bucketOf} for one flag, with the hash of `${flagKey}:` computed once: the hot path hashes
 * only the bucket key and builds no string.
 */
export function bucketerFor(flagKey: string): (bucketKey: string) => number {
  const hash = stableHash32WithPrefix(`${flagKey}:`);
  return (bucketKey) => hash(bucketKey) % BUCKETS;
}
