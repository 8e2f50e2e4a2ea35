import { eligible } from './internal/eligible.js';
import { powerOfTwoChoices } from './internal/power-of-two-choices.js';
import type { LoadSource } from './load/load-source.js';
import type { Endpoint, PickContext, Picker, Random } from './picker.js';

export interface P2cLeastConnectionsOptions {
  readonly load: LoadSource;
  /** Default `Math.random`. */
  readonly random?: Random;
}

/**
 * Power of two choices on requests in flight (Finagle's `p2c` with least-loaded): two distinct
 * eligible endpoints at random, the one with fewer in flight wins. O(1) per pick, and many gateways
 * picking at once spread out instead of all hitting the same least-loaded endpoint. The most loaded
 * endpoint is never chosen while another is eligible.
 */
export class P2cLeastConnectionsPicker<E extends Endpoint = Endpoint> implements Picker<E> {
  readonly strategy = 'p2c-least-connections';
  private readonly load: LoadSource;
  private readonly random: Random;

  constructor(options: P2cLeastConnectionsOptions) {
    this.load = options.load;
    this.random = options.random ?? Math.random;
  }

  pick(endpoints: readonly E[], context?: PickContext<E>): E | undefined {
    return powerOfTwoChoices(eligible(endpoints, context?.exclude), this.random, (endpoint) =>
      this.load.inflight(endpoint.id),
    );
  }
}
