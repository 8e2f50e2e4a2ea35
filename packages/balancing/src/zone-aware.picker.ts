import type { Endpoint, PickContext, Picker, StrategyName } from './picker.js';

export interface ZoneAwareOptions {
  /** The zone this caller runs in. */
  readonly localZone: string;
  /** Below this healthy share of the local zone, traffic spreads over every zone. Default 0.7. */
  readonly minHealthyShare?: number;
}

/**
 * Keeps traffic in the caller's zone (cheaper, faster, no cross-zone transfer charges) while the
 * zone is healthy enough to take it, and spreads it over every zone when it is not. Wraps any picker:
 * the inner one chooses among the local endpoints, or among all of them.
 *
 *   healthy share = local endpoints in `endpoints` ÷ local endpoints in `context.all ?? endpoints`
 *
 * All zones are used when that share is below `minHealthyShare`, or when no local endpoint is
 * eligible (none healthy, or all excluded by the caller). Endpoints without a zone count as remote.
 *
 * Inspired by Envoy's zone-aware routing, simplified: Envoy compares the sizes of the local and remote
 * zones and of its own fleet's zones, and sends just the residual share across zones; it also has a
 * separate panic threshold. Here it is all or nothing: only the local zone, or every zone evenly.
 */
export class ZoneAwarePicker<E extends Endpoint = Endpoint> implements Picker<E> {
  readonly strategy: StrategyName;
  private readonly localZone: string;
  private readonly minHealthyShare: number;

  constructor(
    private readonly inner: Picker<E>,
    options: ZoneAwareOptions,
  ) {
    this.strategy = inner.strategy;
    this.localZone = options.localZone;
    this.minHealthyShare = options.minHealthyShare ?? 0.7;
  }

  pick(endpoints: readonly E[], context?: PickContext<E>): E | undefined {
    const local = endpoints.filter((endpoint) => endpoint.zone === this.localZone);
    const eligibleLocal = local.some((endpoint) => !context?.exclude?.has(endpoint.id));
    return this.inner.pick(
      eligibleLocal && this.healthyShare(local, context) >= this.minHealthyShare ? local : endpoints,
      context,
    );
  }

  private healthyShare(healthyLocal: readonly E[], context?: PickContext<E>): number {
    const known = context?.all?.filter((endpoint) => endpoint.zone === this.localZone).length;
    return known === undefined || known === 0 ? 1 : healthyLocal.length / known;
  }
}
