import { Injectable, type OnApplicationShutdown } from '@nestjs/common';

import { DEFAULT_BREAKER_SETTINGS } from '@platform/breakers';
import {
  DEFAULT_UPSTREAM_POLICY,
  RegistryView,
  ServiceClient,
  type ResolvedPolicy,
  type UpstreamRequest,
  type UpstreamResponse,
} from '@platform/discovery';
import { ServiceContext } from '@platform/service-kit';

import type { ServiceAdminTarget } from './service-admin-path.js';

/**
 * How admin calls are made: round robin among live instances (or only the one named); up to 30 s
 * for an answer (a count over every shard takes a while); another instance only when the
 * connection to the first was never made, since every call is sent as not idempotent.
 */
export const SERVICE_ADMIN_POLICY: ResolvedPolicy = {
  ...DEFAULT_UPSTREAM_POLICY,
  strategy: 'round-robin',
  timeouts: { perTryMs: 30_000, totalMs: 30_000 },
  retries: { ...DEFAULT_UPSTREAM_POLICY.retries, maxAttempts: 2 },
  instanceBreaker: { ...DEFAULT_BREAKER_SETTINGS, resetTimeoutMs: 5_000, callTimeoutMs: 0 },
};

export type ServiceAdminRequest = Pick<UpstreamRequest, 'method' | 'headers' | 'body' | 'signal'>;

/**
 * The gateway's client for `/admin/services/...`: a {@link ServiceClient} of its own (picking,
 * deadlines, breakers, ejection), apart from the one user routes go through. So admin calls count
 * in none of the user routes' figures — route outcomes, upstream attempts, load, breakers,
 * ejections — and are refused by none of them either: an instance whose breaker users' failures
 * opened can still have its faults cleared. Its instances are not probed (an operator may well be
 * asking a sick one), and its figures go to no metric: the gateway's HTTP histogram already counts
 * these requests under the route `/admin/services/:service/*`.
 */
@Injectable()
export class ServiceAdminClient implements OnApplicationShutdown {
  private readonly client: ServiceClient;

  constructor(view: RegistryView, context: ServiceContext) {
    this.client = new ServiceClient({
      instances: view,
      logger: context.logger.child({ component: 'service-admin' }),
      localZone: context.zone,
      defaultPolicy: SERVICE_ADMIN_POLICY,
      healthCheckIntervalMs: 0,
    });
  }

  send(target: ServiceAdminTarget, request: ServiceAdminRequest): Promise<UpstreamResponse> {
    return this.client.request(target.service, {
      ...request,
      path: target.upstreamPath,
      idempotent: false,
      ...(target.instance === undefined ? {} : { instance: target.instance }),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
