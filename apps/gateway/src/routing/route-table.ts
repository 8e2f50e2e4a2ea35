import { RETRY_SAFE_METADATA_KEY, ROUTES_METADATA_KEY, type ServiceInstance } from '@platform/discovery';
import type { Logger } from '@platform/observability';

/** Segments that belong to the gateway itself (or to services' own admin APIs), never routed. */
export const RESERVED_SEGMENTS = new Set(['admin', 'health', 'metrics']);

export interface ResolvedRoute {
  readonly segment: string;
  readonly service: string;
  /** The service says any request to it may be retried on another instance (POST included). */
  readonly retrySafe: boolean;
  /** Path and query to send upstream: `/api/ids/snowflake?count=2` → `/ids/snowflake?count=2`. */
  readonly upstreamPath: string;
}

export type RouteSource = 'config' | 'registry';

/**
 * Which service owns `/api/<segment>/...`. Configured routes come first; services add their own
 * segments by announcing them in the registry. A learned route is kept after its instances are
 * gone, so callers get "no live instance of X" (503) rather than "no such route" (404).
 */
export class RouteTable {
  private readonly routes = new Map<string, { service: string; source: RouteSource }>();
  /** Services whose instances announce that every request is safe to retry. */
  private readonly retrySafe = new Set<string>();

  constructor(
    configured: readonly string[],
    private readonly logger: Logger,
  ) {
    for (const entry of configured) {
      const [segment, service] = entry.split('=') as [string, string];
      if (RESERVED_SEGMENTS.has(segment))
        throw new Error(`GATEWAY_ROUTES: "${segment}" is reserved and cannot be routed`);
      this.routes.set(segment, { service, source: 'config' });
    }
  }

  /** Learns the segments an instance announces (metadata `routes`). */
  learn(instance: ServiceInstance): void {
    if (instance.metadata[RETRY_SAFE_METADATA_KEY] === 'true') this.retrySafe.add(instance.service);
    else this.retrySafe.delete(instance.service);
    const announced = instance.metadata[ROUTES_METADATA_KEY];
    if (!announced) return;
    for (const segment of announced.split(',').map((s) => s.trim())) {
      if (!/^[a-z][a-z0-9-]{0,62}$/.test(segment) || RESERVED_SEGMENTS.has(segment)) {
        this.logger.warn(
          { service: instance.service, segment },
          'ignored an announced route that cannot be routed',
        );
        continue;
      }
      const existing = this.routes.get(segment);
      if (!existing) {
        this.routes.set(segment, { service: instance.service, source: 'registry' });
        this.logger.info(
          { segment, service: instance.service },
          `routing /api/${segment} to ${instance.service}`,
        );
      } else if (existing.service !== instance.service) {
        this.logger.warn(
          { segment, owner: existing.service, claimant: instance.service },
          `/api/${segment} already routes to ${existing.service}; ignoring ${instance.service}'s claim`,
        );
      }
    }
  }

  /** The route for a request URL under `/api`, or undefined if no service owns its segment. */
  resolve(url: string): ResolvedRoute | undefined {
    const match = /^\/api\/([^/?#]+)(.*)$/.exec(url);
    if (!match) return undefined;
    const segment = match[1]!;
    const route = this.routes.get(segment);
    if (!route) return undefined;
    return {
      segment,
      service: route.service,
      retrySafe: this.retrySafe.has(route.service),
      upstreamPath: `/${segment}${match[2]}`,
    };
  }

  entries(): { segment: string; service: string; source: RouteSource }[] {
    return [...this.routes.entries()].map(([segment, route]) => ({ segment, ...route }));
  }
}
