import type { ServiceInstance } from '@platform/discovery';

/**
 * One target group of Prometheus's HTTP service discovery
 * (https://prometheus.io/docs/prometheus/latest/http_sd/): where to scrape, and the labels every
 * series scraped from there gets.
 */
export interface PrometheusTargetGroup {
  readonly targets: readonly string[];
  readonly labels: PrometheusTargetLabels;
}

export interface PrometheusTargetLabels {
  readonly service: string;
  readonly instance_id: string;
  readonly version: string;
  readonly track: string;
  readonly zone: string;
}

/**
 * Every live instance of the registry as its own target group, draining ones included (they still
 * serve, and their last minutes are worth seeing), in a stable order: by service, then instance id.
 */
export function prometheusTargets(
  snapshot: ReadonlyMap<string, readonly ServiceInstance[]>,
): PrometheusTargetGroup[] {
  return [...snapshot.keys()].sort().flatMap((service) =>
    (snapshot.get(service) ?? []).map((instance) => ({
      targets: [address(instance)],
      labels: {
        service,
        instance_id: instance.id,
        version: instance.version,
        track: instance.track,
        zone: instance.zone,
      },
    })),
  );
}

/** `host:port`, an IPv6 host in brackets, as Prometheus expects a target. */
function address(instance: ServiceInstance): string {
  const host =
    instance.host.includes(':') && !instance.host.startsWith('[') ? `[${instance.host}]` : instance.host;
  return `${host}:${instance.port}`;
}
