import { NoInstancesError, type ServiceInstance } from '@platform/discovery';

import { UnknownInstanceError, UnknownServiceError } from './service-admin.errors.js';

/** What the targets are checked against: the gateway's registry view. */
export interface LiveRegistry {
  /** Live instances of `service` that take requests. */
  instances(service: string): readonly ServiceInstance[];
  /** Every live instance, draining ones included, by service. */
  snapshot(): ReadonlyMap<string, readonly ServiceInstance[]>;
}

/**
 * Which services and instances `/admin/services/...` may reach: those the registry lists. A service
 * it has listed since this gateway started stays known after its last instance is gone, so asking
 * for it then answers 503 `no_instances` (come back when one is up) rather than 404 (no such thing).
 */
export class ServiceAdminTargets {
  private readonly seen = new Set<string>();

  constructor(private readonly registry: LiveRegistry) {}

  /** Remembers a service the registry listed (the view's `added` events). */
  learn(service: string): void {
    this.seen.add(service);
  }

  /** Every known service, sorted. */
  services(): string[] {
    for (const service of this.registry.snapshot().keys()) this.seen.add(service);
    return [...this.seen].sort();
  }

  /**
   * Passes when a request for `service` (and `instance`, if named) has somewhere to go.
   *
   * @throws UnknownServiceError, NoInstancesError (503) when none of its instances is live, or
   * UnknownInstanceError when the named one is not among them
   */
  check(service: string, instance?: string): void {
    const services = this.services();
    if (!services.includes(service)) throw new UnknownServiceError(service, services);
    const live = this.registry.instances(service);
    if (live.length === 0) throw new NoInstancesError(service);
    if (instance !== undefined && !live.some((candidate) => candidate.id === instance)) {
      throw new UnknownInstanceError(
        service,
        instance,
        live.map((candidate) => candidate.id),
      );
    }
  }
}
