/**
 * Picking is kept apart from membership (who is in the set: the registry's job) and from load
 * measurement (how busy each one is: {@link LoadSource}), as in Finagle's balancers. A picker only
 * chooses.
 */
export interface Endpoint {
  /** Stable identity of the endpoint, e.g. a registry instance id. */
  readonly id: string;
  /** Where it runs, for zone preference. */
  readonly zone?: string;
  /** Static weight for weighted strategies (default 1). */
  readonly weight?: number;
  /** Unix ms when it started, for slow start. */
  readonly startedAt?: number;
}

export interface PickContext<E extends Endpoint = Endpoint> {
  /** Endpoints that must not be chosen, e.g. the one a retry is moving away from. */
  readonly exclude?: ReadonlySet<string>;
  /** Routing key for consistent hashing (e.g. a user id); other strategies ignore it. */
  readonly key?: string;
  /**
   * Every known endpoint, unhealthy ones included, when `endpoints` holds only the healthy ones:
   * zone preference uses it to tell how much of the local zone is healthy.
   */
  readonly all?: readonly E[];
}

export const STRATEGIES = [
  'round-robin',
  'weighted-round-robin',
  'dynamic-weighted-round-robin',
  'least-connections',
  'p2c-least-connections',
  'peak-ewma',
  'consistent-hash',
] as const;

export type StrategyName = (typeof STRATEGIES)[number];

export interface Picker<E extends Endpoint = Endpoint> {
  readonly strategy: StrategyName;
  /** Chooses one of `endpoints`, or undefined when none is eligible. */
  pick(endpoints: readonly E[], context?: PickContext<E>): E | undefined;
}

/** A uniform random number in [0, 1). Injected so tests are deterministic. */
export type Random = () => number;

/** Milliseconds on a monotonic or wall clock, as long as one picker always uses the same one. */
export type Clock = () => number;
