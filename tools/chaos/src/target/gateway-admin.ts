import { jsonOf, send } from '../http.js';
import type { PlatformTarget } from './platform-target.js';

interface UpstreamsBody {
  services: Record<
    string,
    {
      instances: {
        instanceId: string;
        breaker: string;
        ejected: { count: number } | null;
        healthy: boolean;
      }[];
    }
  >;
}

interface RoutesBody {
  routes: { segment: string; breaker: string }[];
}

/** What the gateway's admin API and metrics say about its upstreams, for pass rules. */
export class GatewayAdmin {
  constructor(private readonly target: PlatformTarget) {}

  private async get<T>(path: string): Promise<T> {
    const answer = await send('GET', `${this.target.gatewayUrl}${path}`, { headers: this.target.auth });
    const body = jsonOf<T>(answer);
    if (answer.status !== 200 || body === undefined) {
      throw new Error(
        `GET ${path} on the gateway answered ${answer.status} ${answer.error ?? answer.text.slice(0, 200)}`,
      );
    }
    return body;
  }

  /**
   * `upstream_ejections_total` per service from the gateway's /metrics: every ejection since it
   * started, including ones that have already ended.
   */
  async ejections(): Promise<Record<string, number>> {
    const answer = await send('GET', `${this.target.gatewayUrl}/metrics`, { headers: this.target.auth });
    const counts: Record<string, number> = {};
    for (const line of answer.text.split('\n')) {
      const match = /^upstream_ejections_total\{[^}]*service="([^"]+)"[^}]*\} (\S+)/.exec(line);
      if (match) counts[match[1]!] = (counts[match[1]!] ?? 0) + Number(match[2]);
    }
    return counts;
  }

  /** Instances the gateway has ejected right now, as `service/instance`. */
  async ejectedNow(): Promise<string[]> {
    const { services } = await this.get<UpstreamsBody>('/admin/upstreams');
    return Object.entries(services).flatMap(([service, { instances }]) =>
      instances.filter((i) => i.ejected !== null).map((i) => `${service}/${i.instanceId}`),
    );
  }

  /** Breakers not closed, per route and per instance, as `route:ids=open` or `user-service/x=half_open`. */
  async breakersNotClosed(): Promise<string[]> {
    const [{ routes }, { services }] = await Promise.all([
      this.get<RoutesBody>('/admin/routes'),
      this.get<UpstreamsBody>('/admin/upstreams'),
    ]);
    return [
      ...routes.filter((r) => r.breaker !== 'closed').map((r) => `route:${r.segment}=${r.breaker}`),
      ...Object.entries(services).flatMap(([service, { instances }]) =>
        instances.filter((i) => i.breaker !== 'closed').map((i) => `${service}/${i.instanceId}=${i.breaker}`),
      ),
    ];
  }

  /** Instances in the gateway's registry view, per service. */
  async registered(): Promise<Record<string, string[]>> {
    const { services } = await this.get<{ services: Record<string, { instanceId: string }[]> }>(
      '/admin/registry',
    );
    return Object.fromEntries(
      Object.entries(services).map(([service, instances]) => [
        service,
        instances.map((i) => i.instanceId).sort(),
      ]),
    );
  }

  /** Instances the runner started that the gateway's registry view does not list (yet). */
  async unlisted(): Promise<string[]> {
    const registered = await this.registered();
    return this.target
      .instances()
      .filter((i) => i.service !== 'gateway' && !(registered[i.service] ?? []).includes(i.instanceId))
      .map((i) => i.instanceId);
  }

  /** Instances of the runner's state that do not answer 200 on /health/ready, with what they said. */
  async notReady(): Promise<string[]> {
    const checks = await Promise.all(
      this.target.instances().map(async (instance) => {
        const answer = await send('GET', `${instance.url}/health/ready`, { timeoutMs: 3_000 });
        return answer.status === 200 ? undefined : `${instance.instanceId}=${answer.status || answer.error}`;
      }),
    );
    return checks.filter((check): check is string => check !== undefined);
  }
}

/** Differences between two ejection counts, only where they grew. */
export function ejectionsBetween(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const grown: Record<string, number> = {};
  for (const [service, count] of Object.entries(after)) {
    const delta = count - (before[service] ?? 0);
    if (delta > 0) grown[service] = delta;
  }
  return grown;
}
