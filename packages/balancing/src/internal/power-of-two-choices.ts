import type { Random } from '../picker.js';

/**
 * The power of two choices (Mitzenmacher; Finagle's P2C): draw two distinct candidates at random and
 * keep the cheaper one. Almost as good as scanning for the least loaded, without every caller
 * herding onto the same "best" endpoint. Ties go to the first one drawn, itself random.
 */
export function powerOfTwoChoices<E>(
  candidates: readonly E[],
  random: Random,
  cost: (candidate: E) => number,
): E | undefined {
  const count = candidates.length;
  if (count <= 1) return candidates[0];
  const first = randomIndex(random, count);
  let second = randomIndex(random, count - 1);
  if (second >= first) second++;
  const a = candidates[first]!;
  const b = candidates[second]!;
  return cost(b) < cost(a) ? b : a;
}

function randomIndex(random: Random, count: number): number {
  return Math.min(count - 1, Math.floor(random() * count));
}
