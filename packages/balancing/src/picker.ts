/**
 * Picking is kept apart from membership (who is in the set: the registry's job) and from load
 * measurement (how busy each one is), as in Finagle's balancers. A picker only chooses.
 */
export interface Endpoint {
  /** Stable identity of the endpoint, e.g. a registry instance id. */
  readonly id: string;
}

export interface PickContext {
  /** Endpoints that must not be chosen, e.g. the one a retry is moving away from. */
  readonly exclude?: ReadonlySet<string>;
}

export interface Picker<E extends Endpoint = Endpoint> {
  readonly strategy: string;
  /** Chooses one of `endpoints`, or undefined when none is eligible. */
  pick(endpoints: readonly E[], context?: PickContext): E | undefined;
}
