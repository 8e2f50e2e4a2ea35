import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Metric names are constants so dashboards, alert rules and code cannot drift apart. */
export const METRIC = {
  httpServerDuration: 'http_server_request_duration_seconds',
} as const;

/** Latency buckets in seconds, from sub-millisecond proxy hops to multi-second stalls. */
export const LATENCY_BUCKETS_SECONDS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/**
 * A registry of this process's own (never the global one), with Node's process metrics and a
 * `service` label on every series. Prometheus adds `instance` itself when it scrapes.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export type HttpServerDuration = Histogram<'route' | 'method' | 'status_code'>;

/** Request duration by route pattern (never the raw URL), method and status code. */
export function httpServerDuration(registry: Registry): HttpServerDuration {
  return new Histogram({
    name: METRIC.httpServerDuration,
    help: 'Time from receiving a request to sending its response, by route pattern, method and status.',
    labelNames: ['route', 'method', 'status_code'],
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [registry],
  });
}
