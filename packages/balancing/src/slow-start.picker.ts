import type { Clock, Endpoint, PickContext, Picker, Random, StrategyName } from './picker.js';

export interface SlowStartOptions {
  /** How long a new endpoint takes to reach its full share, in ms. */
  readonly windowMs: number;
  /** The share it starts at, as a fraction of its full share. Default 0.1. */
  readonly minFactor?: number;
  /** Shape of the ramp: 1 is linear; above 1 stays low for longer, below 1 rises sooner. Default 1. */
  readonly aggression?: number;
  /** Unix ms, the same clock as `Endpoint.startedAt`. Default `Date.now`. */
  readonly clock?: Clock;
  /** Default `Math.random`. */
  readonly random?: Random;
}

/**
 * Ramps a new endpoint's share of traffic up over a window, so a cold instance (empty caches, JIT
 * not warm, connection pools empty) is not hit with its full share at once. Wraps any picker:
 *
 *   factor = clamp((now − start) / windowMs, minFactor, 1) ^ aggression
 *
 * where `start` is the endpoint's `startedAt`, or else when this picker first saw it. When the inner
 * picker chooses an endpoint still in slow start, it is kept with probability `factor`; otherwise
 * the inner picker chooses once more without it. The new endpoint's share is then about factor × its
 * fair share, whatever the strategy. (Envoy's slow start uses the same ramp, with 1/aggression as the
 * exponent, but scales the weights; rejecting picks needs no weights, so it works for every strategy.)
 *
 * The endpoints in the first non-empty list this picker sees count as already warm unless they carry
 * `startedAt`, so a gateway that starts does not ramp its whole fleet. An endpoint without `startedAt`
 * that leaves the list (removed, or dropped as unhealthy) and comes back ramps again, as in Envoy; one
 * with `startedAt` ramps by its age alone (the time it took to register counts towards its window).
 */
export class SlowStartPicker<E extends Endpoint = Endpoint> implements Picker<E> {
  readonly strategy: StrategyName;
  private readonly windowMs: number;
  private readonly minFactor: number;
  private readonly aggression: number;
  private readonly clock: Clock;
  private readonly random: Random;
  /** When each endpoint was first seen; -Infinity for the warm ones of the first list. */
  private readonly firstSeen = new Map<string, number>();
  private sawFirstList = false;

  constructor(
    private readonly inner: Picker<E>,
    options: SlowStartOptions,
  ) {
    this.strategy = inner.strategy;
    this.windowMs = options.windowMs;
    this.minFactor = options.minFactor ?? 0.1;
    this.aggression = options.aggression ?? 1;
    this.clock = options.clock ?? (() => Date.now());
    this.random = options.random ?? Math.random;
    if (!(this.windowMs > 0)) throw new RangeError(`windowMs must be > 0, got ${this.windowMs}`);
  }

  pick(endpoints: readonly E[], context?: PickContext<E>): E | undefined {
    const now = this.clock();
    this.observe(endpoints, now);
    const chosen = this.inner.pick(endpoints, context);
    if (chosen === undefined) return undefined;
    const factor = this.factor(chosen, now);
    if (factor >= 1 || this.random() < factor) return chosen;
    const exclude = new Set(context?.exclude);
    exclude.add(chosen.id);
    return this.inner.pick(endpoints, { ...context, exclude }) ?? chosen;
  }

  /** The fraction of its fair share the endpoint gets now: 1 once warm. */
  factor(endpoint: E, now: number = this.clock()): number {
    const start = endpoint.startedAt ?? this.firstSeen.get(endpoint.id);
    if (start === undefined) return 1;
    const progress = (now - start) / this.windowMs;
    if (progress >= 1) return 1;
    return Math.max(this.minFactor, progress) ** this.aggression;
  }

  private observe(endpoints: readonly E[], now: number): void {
    const warm = !this.sawFirstList;
    this.sawFirstList ||= endpoints.length > 0;
    for (const endpoint of endpoints) {
      if (!this.firstSeen.has(endpoint.id)) this.firstSeen.set(endpoint.id, warm ? -Infinity : now);
    }
    if (this.firstSeen.size > endpoints.length) {
      const present = new Set(endpoints.map((endpoint) => endpoint.id));
      for (const id of this.firstSeen.keys()) if (!present.has(id)) this.firstSeen.delete(id);
    }
  }
}
