import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';

import { routeBreakerName } from '@platform/breakers';
import { RegistryView, ServiceClient } from '@platform/discovery';
import { Accepts, AdminTokenGuard, Answers, Fails, ServiceContext, Summary } from '@platform/service-kit';
import { z } from 'zod';

import { RouteNotFoundError } from '../routing/route.errors.js';
import { RoutePolicies } from '../routing/route-policies.js';
import type { RoutePolicy } from '../routing/route-policy.js';
import { RouteTable, type RouteSource } from '../routing/route-table.js';
import { registryListingSchema, routeViewSchema, upstreamsSchema } from './admin-answers.js';

/** One instance as `GET /admin/registry` shows it. */
export interface InstanceView {
  readonly instanceId: string;
  readonly address: string;
  readonly version: string;
  readonly track: string;
  readonly zone: string;
  readonly status: string;
  readonly lastHeartbeat: string;
  readonly heartbeatAgeMs: number;
  readonly ttlMs: number;
  readonly metadata: Readonly<Record<string, string>>;
}

/** The body of `GET /admin/registry`. */
export interface RegistryListing {
  readonly caughtUp: boolean;
  readonly selfPreservation: boolean;
  readonly services: Record<string, InstanceView[]>;
}

export interface RouteView {
  readonly segment: string;
  readonly service: string;
  readonly source: RouteSource;
  readonly breaker: string;
  readonly policy: RoutePolicy;
}

/** One instance as `GET /admin/upstreams` shows it: what this gateway measured and decided. */
export interface UpstreamInstanceView {
  readonly instanceId: string;
  readonly address: string;
  readonly zone: string;
  readonly weight: number;
  readonly inflight: number;
  readonly latencyEwmaMs: number;
  readonly peakEwmaMs: number;
  readonly errorRate: number;
  readonly requests: number;
  readonly breaker: string;
  readonly ejected: { readonly until: string; readonly count: number } | null;
  readonly healthy: boolean;
  readonly probeProblem?: string;
}

/** The gateway's view of the platform, and its knobs. Admin token required. */
@Controller('admin')
@UseGuards(AdminTokenGuard)
export class AdminController {
  constructor(
    private readonly view: RegistryView,
    private readonly routes: RouteTable,
    private readonly policies: RoutePolicies,
    private readonly client: ServiceClient,
    private readonly context: ServiceContext,
  ) {}

  /** `GET /admin/registry`: service → live instances, as this gateway sees them now. */
  @Get('registry')
  @Summary('Every service and its live instances, as this gateway sees them now')
  @Answers(200, registryListingSchema)
  registry(): RegistryListing {
    const now = Date.now();
    const services: Record<string, InstanceView[]> = {};
    for (const [service, instances] of this.view.snapshot()) {
      services[service] = instances.map((instance) => ({
        instanceId: instance.id,
        address: `${instance.host}:${instance.port}`,
        version: instance.version,
        track: instance.track,
        zone: instance.zone,
        status: instance.status,
        lastHeartbeat: new Date(instance.heartbeatAt).toISOString(),
        heartbeatAgeMs: now - instance.heartbeatAt,
        ttlMs: instance.ttlMs,
        metadata: instance.metadata,
      }));
    }
    return { caughtUp: this.view.caughtUp, selfPreservation: this.view.liveness.selfPreserving, services };
  }

  /** `GET /admin/routes`: each `/api/<segment>`, its service, who said so, its breaker and policy. */
  @Get('routes')
  @Summary('Each /api/<segment> route: its service, who said so, its breaker and policy')
  @Answers(200, z.object({ routes: z.array(routeViewSchema) }))
  routeTable(): { routes: RouteView[] } {
    return { routes: this.routes.entries().map((route) => this.routeView(route.segment)) };
  }

  /**
   * `PUT /admin/routes/{segment}` with a partial policy, e.g.
   * `{"upstream":{"strategy":"least-connections"},"breaker":{"errorThresholdPercentage":25}}`.
   * Validated as a whole after merging: a bad value changes nothing and answers 400.
   */
  @Put('routes/:segment')
  @Summary("Change a route's policy with a partial one, validated whole after merging")
  @Accepts(
    z.looseObject({}),
    'A part of the route policy, e.g. {"upstream":{"strategy":"least-connections"}}',
  )
  @Answers(200, routeViewSchema)
  @Fails(400, 'The merged policy is invalid; nothing changed')
  @Fails(404, 'No route has this segment')
  updateRoute(@Param('segment') segment: string, @Body() patch: unknown): RouteView {
    if (!this.routes.entries().some((route) => route.segment === segment)) {
      throw new RouteNotFoundError('PUT', `/admin/routes/${segment}`);
    }
    this.policies.update(segment, patch, 'admin API');
    return this.routeView(segment);
  }

  /** `GET /admin/upstreams`: per service and instance, load, weight, breaker, ejection, health. */
  @Get('upstreams')
  @Summary('Per service and instance: load, weight, breaker, ejection, health')
  @Answers(200, upstreamsSchema)
  upstreams(): {
    zone: string;
    services: Record<string, { retryBudgetRemaining: number | null; instances: UpstreamInstanceView[] }>;
  } {
    const services: Record<
      string,
      { retryBudgetRemaining: number | null; instances: UpstreamInstanceView[] }
    > = {};
    const names = new Set([...this.routes.entries().map((r) => r.service), ...this.client.services()]);
    for (const service of [...names].sort()) {
      services[service] = {
        retryBudgetRemaining: this.client.retryBudgetRemaining(service) ?? null,
        instances: this.client.describe(service).map((entry) => ({
          instanceId: entry.instance.id,
          address: `${entry.instance.host}:${entry.instance.port}`,
          zone: entry.instance.zone,
          weight: entry.instance.weight,
          inflight: entry.load.inflight,
          latencyEwmaMs: round(entry.load.latencyEwmaMs),
          peakEwmaMs: round(entry.load.peakEwmaMs),
          errorRate: round(entry.load.errorRate),
          requests: entry.load.requests,
          breaker: entry.breaker,
          ejected: entry.ejection
            ? { until: new Date(entry.ejection.until).toISOString(), count: entry.ejection.count }
            : null,
          healthy: entry.healthy,
          ...(entry.probeProblem ? { probeProblem: entry.probeProblem } : {}),
        })),
      };
    }
    return { zone: this.context.zone, services };
  }

  private routeView(segment: string): RouteView {
    const route = this.routes.entries().find((r) => r.segment === segment)!;
    return {
      ...route,
      breaker: this.client.breakers.get(routeBreakerName(segment))?.state ?? 'closed',
      policy: this.policies.get(segment),
    };
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
