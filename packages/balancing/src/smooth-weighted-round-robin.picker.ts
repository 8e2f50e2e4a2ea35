import { eligible } from './internal/eligible.js';
import type { Endpoint, PickContext, Picker } from './picker.js';

export interface SmoothWeightedRoundRobinOptions<E extends Endpoint> {
  /** Each endpoint's weight; default `endpoint.weight ?? 1`. May change from one pick to the next. */
  readonly weightOf?: (endpoint: E) => number;
}

/**
 * nginx's smooth weighted round robin. On each pick every eligible endpoint's `current` grows by its
 * weight, the largest `current` wins (ties: the first in list order), and the winner's `current`
 * drops by the total weight. Shares follow the weights exactly and the heavy endpoint's turns are
 * interleaved, not bunched: weights {a: 5, b: 1, c: 1} give a a b a c a a.
 *
 * `current` is kept per id, so membership may change between picks: a new endpoint starts at 0, a
 * removed one is forgotten, an excluded one keeps its place. A weight that is not a positive finite
 * number counts as 0 (never chosen while another has weight); if all are 0, all count as 1.
 */
export class SmoothWeightedRoundRobinPicker<E extends Endpoint = Endpoint> implements Picker<E> {
  readonly strategy = 'weighted-round-robin';
  private readonly current = new Map<string, number>();
  private readonly weightOf: (endpoint: E) => number;

  constructor(options: SmoothWeightedRoundRobinOptions<E> = {}) {
    this.weightOf = options.weightOf ?? ((endpoint) => endpoint.weight ?? 1);
  }

  pick(endpoints: readonly E[], context?: PickContext<E>): E | undefined {
    const candidates = eligible(endpoints, context?.exclude);
    let weights = candidates.map((endpoint) => usable(this.weightOf(endpoint)));
    let total = weights.reduce((sum, weight) => sum + weight, 0);
    if (total === 0) {
      weights = weights.map(() => 1);
      total = weights.length;
    }
    let best: E | undefined;
    let bestCurrent = -Infinity;
    candidates.forEach((endpoint, index) => {
      const current = (this.current.get(endpoint.id) ?? 0) + weights[index]!;
      this.current.set(endpoint.id, current);
      if (current > bestCurrent) {
        best = endpoint;
        bestCurrent = current;
      }
    });
    if (best !== undefined) this.current.set(best.id, bestCurrent - total);
    if (this.current.size > endpoints.length) this.forgetAllBut(endpoints);
    return best;
  }

  private forgetAllBut(endpoints: readonly E[]): void {
    const present = new Set(endpoints.map((endpoint) => endpoint.id));
    for (const id of this.current.keys()) if (!present.has(id)) this.current.delete(id);
  }
}

function usable(weight: number): number {
  return Number.isFinite(weight) && weight > 0 ? weight : 0;
}
