import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';

import { ServiceContext } from '@platform/service-kit';

export const GATEWAY_METRIC = {
  routeRequests: 'gateway_route_requests_total',
  inflight: 'gateway_inflight_requests',
} as const;

export type RouteOutcome =
  | 'upstream'
  | 'fallback'
  | 'shed'
  | 'overloaded'
  | 'rate_limited'
  | 'breaker_open'
  | 'error'
  /** The client went away before its answer came: counted against no one (breaker, canary). */
  | 'client_gone';

/** What the gateway itself decided per route, beside what the upstream client measures. */
@Injectable()
export class GatewayMetrics {
  private readonly requests: Counter<'route' | 'outcome'>;

  constructor(context: ServiceContext) {
    this.requests = new Counter({
      name: GATEWAY_METRIC.routeRequests,
      help: 'Requests per route by what the gateway did: sent upstream, answered with the fallback, shed, rate limited, failed fast on an open breaker, failed, or abandoned by its client (client_gone).',
      labelNames: ['route', 'outcome'],
      registers: [context.metrics],
    });
  }

  outcome(route: string, outcome: RouteOutcome): void {
    this.requests.inc({ route, outcome });
  }

  /** Reports requests in flight through the gateway, read when Prometheus scrapes. */
  trackInflight(context: ServiceContext, read: () => number): void {
    new Gauge({
      name: GATEWAY_METRIC.inflight,
      help: 'Requests in flight through the gateway (what load shedding compares with its limits).',
      registers: [context.metrics],
      collect() {
        this.set(read());
      },
    });
  }
}
