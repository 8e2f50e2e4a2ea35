import { seededRandom } from '@platform/balancing/testing';

export { seededRandom };

/** A whole number in [min, max], drawn from `random` (a seeded one makes a run repeatable). */
export function between(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
