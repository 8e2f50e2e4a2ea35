import { intVar } from './env-vars.js';

/**
 * The weights an instance may have for weighted round robin: whole numbers, so that shares read
 * as ratios (5 and 1: five requests to one), and at most 100, past which one instance takes every
 * request in practice anyway.
 */
export const MIN_INSTANCE_WEIGHT = 1;
export const MAX_INSTANCE_WEIGHT = 100;

/**
 * INSTANCE_WEIGHT: this instance's weight for callers that pick with weighted round robin,
 * announced in the registry as metadata `weight` (unset: not announced, and callers count 1).
 * It can be changed while the instance runs with `PUT /admin/weight`.
 */
export function instanceWeightVar() {
  return intVar(MIN_INSTANCE_WEIGHT, MAX_INSTANCE_WEIGHT);
}
