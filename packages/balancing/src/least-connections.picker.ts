import type { LoadSource } from './load/load-source.js';
import type { Endpoint, PickContext, Picker } from './picker.js';

export interface LeastConnectionsOptions {
  readonly load: LoadSource;
}

/**
 * The endpoint with the fewest requests in flight, scanning all of them. Ties rotate: the scan
 * starts after the previous winner, so idle endpoints take turns instead of the first one taking
 * every request. Exact, but O(n) per pick, and every caller sharing the same view herds onto the
 * same minimum; {@link P2cLeastConnectionsPicker} trades a little precision for neither.
 */
export class LeastConnectionsPicker<E extends Endpoint = Endpoint> implements Picker<E> {
  readonly strategy = 'least-connections';
  private readonly load: LoadSource;
  private cursor = 0;

  constructor(options: LeastConnectionsOptions) {
    this.load = options.load;
  }

  pick(endpoints: readonly E[], context?: PickContext<E>): E | undefined {
    const count = endpoints.length;
    const inflight = endpoints.map((endpoint) =>
      context?.exclude?.has(endpoint.id) ? Infinity : this.load.inflight(endpoint.id),
    );
    const least = inflight.reduce((min, value) => Math.min(min, value), Infinity);
    if (least === Infinity) return undefined;
    for (let step = 0; step < count; step++) {
      const index = (this.cursor + step) % count;
      if (inflight[index] !== least) continue;
      this.cursor = (index + 1) % count;
      return endpoints[index];
    }
    return undefined;
  }
}
