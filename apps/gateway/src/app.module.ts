import { Module, type DynamicModule } from '@nestjs/common';

import {
  DEFAULT_UPSTREAM_POLICY,
  DiscoveryModule,
  discoveryOptionsFrom,
  RegistryView,
} from '@platform/discovery';
import { createKafka } from '@platform/kafka';
import { ServiceContext } from '@platform/service-kit';

import { AdminController } from './admin/admin.controller.js';
import { GATEWAY_CONFIG } from './config/config.js';
import type { GatewayConfig } from './config/env.schema.js';
import { DocsController } from './docs/docs.controller.js';
import { PrometheusSdController } from './monitoring/prometheus-sd.controller.js';
import { PlatformOpenApi } from './openapi/platform-openapi.js';
import { GatewayMetrics } from './proxy/gateway-metrics.js';
import { ProxyRoutes } from './proxy/proxy.routes.js';
import { mergePatch, RoutePolicies } from './routing/route-policies.js';
import { BUILT_IN_ROUTE_OVERRIDES, defaultRoutePolicy } from './routing/route-policy.js';
import { RouteTable } from './routing/route-table.js';
import { ReleaseStore } from './releases/release-store.js';
import { Releases } from './releases/releases.js';
import { ReleasesController } from './releases/releases.controller.js';
import { ReleasesLifecycle } from './releases/releases.lifecycle.js';
import { ServiceAdminModule } from './service-admin/service-admin.module.js';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    const base = defaultRoutePolicy({
      strategy: config.UPSTREAM_STRATEGY,
      timeouts: {
        perTryMs: Math.min(config.UPSTREAM_TRY_TIMEOUT_MS, config.UPSTREAM_TIMEOUT_MS),
        totalMs: config.UPSTREAM_TIMEOUT_MS,
      },
      retries: { ...DEFAULT_UPSTREAM_POLICY.retries, maxAttempts: config.UPSTREAM_MAX_ATTEMPTS },
    });
    const overrides: Record<string, unknown> = { ...BUILT_IN_ROUTE_OVERRIDES };
    for (const [segment, override] of Object.entries(config.GATEWAY_ROUTE_POLICIES)) {
      overrides[segment] = mergePatch(overrides[segment] ?? {}, override);
    }
    return {
      module: AppModule,
      imports: [
        DiscoveryModule.forRoot(
          // Static stability: without Kafka the gateway keeps routing on its last view (degraded, not down).
          discoveryOptionsFrom(config, { announce: true, watch: true, kafkaCritical: false }),
        ),
        ServiceAdminModule,
      ],
      controllers: [AdminController, ReleasesController, PrometheusSdController, DocsController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        {
          provide: RouteTable,
          inject: [RegistryView, ServiceContext],
          useFactory: (view: RegistryView, context: ServiceContext) => {
            const table = new RouteTable(config.GATEWAY_ROUTES, context.logger);
            view.on('added', (instance) => table.learn(instance));
            view.on('updated', (instance) => table.learn(instance));
            return table;
          },
        },
        {
          provide: RoutePolicies,
          inject: [ServiceContext],
          useFactory: (context: ServiceContext) => new RoutePolicies(base, overrides, context.logger),
        },
        {
          provide: ReleaseStore,
          inject: [ServiceContext],
          useFactory: (context: ServiceContext) =>
            new ReleaseStore({
              kafka: createKafka({
                brokers: config.KAFKA_BROKERS,
                clientId: `${context.instanceId}.releases`,
                logger: context.logger,
                // An admin change waits for Kafka a few seconds at most, then answers 503.
                retry: { initialRetryTime: 200, retries: 3, maxRetryTime: 2_000 },
              }),
              topic: config.RELEASES_TOPIC,
              replicationFactor: config.REGISTRY_REPLICATION_FACTOR,
              logger: context.logger.child({ component: 'releases' }),
              clientId: context.instanceId,
            }),
        },
        {
          provide: Releases,
          inject: [ReleaseStore, RegistryView, ServiceContext],
          useFactory: (store: ReleaseStore, view: RegistryView, context: ServiceContext) =>
            new Releases(store, view, context),
        },
        ReleasesLifecycle,
        GatewayMetrics,
        ProxyRoutes,
        PlatformOpenApi,
      ],
    };
  }
}
