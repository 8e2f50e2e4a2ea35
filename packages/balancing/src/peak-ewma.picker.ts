import { eligible } from './internal/eligible.js';
import { powerOfTwoChoices } from './internal/power-of-two-choices.js';
import type { LoadSource } from './load/load-source.js';
import type { Endpoint, PickContext, Picker, Random } from './picker.js';

export interface PeakEwmaOptions {
  readonly load: LoadSource;
  /** Default `Math.random`. */
  readonly random?: Random;
}

/**
 * Power of two choices on expected latency (Finagle's and Linkerd's peak EWMA):
 *
 *   cost = peakEwmaMs × (inflight + 1)
 *
 * the time a new request would wait if every request ahead of it took the peak-sensitive average.
 * A slow response raises the cost at once and load moves away within a few requests; the cost
 * falls back as faster responses come in, or fades while the endpoint is idle, so it is tried again.
 */
export class PeakEwmaPicker<E extends Endpoint = Endpoint> implements Picker<E> {
  readonly strategy = 'peak-ewma';
  private readonly load: LoadSource;
  private readonly random: Random;

  constructor(options: PeakEwmaOptions) {
    this.load = options.load;
    this.random = options.random ?? Math.random;
  }

  pick(endpoints: readonly E[], context?: PickContext<E>): E | undefined {
    return powerOfTwoChoices(eligible(endpoints, context?.exclude), this.random, (endpoint) =>
      this.cost(endpoint.id),
    );
  }

  /** The cost this picker compares, for the admin API and tests. */
  cost(id: string): number {
    return this.load.peakEwmaMs(id) * (this.load.inflight(id) + 1);
  }
}
