import { Module, type DynamicModule } from '@nestjs/common';

import { DiscoveryModule, discoveryOptionsFrom, RegistryView } from '@platform/discovery';
import { ServiceContext } from '@platform/service-kit';

import { AdminController } from './admin/admin.controller.js';
import { GATEWAY_CONFIG } from './config/config.js';
import type { GatewayConfig } from './config/env.schema.js';
import { ProxyRoutes } from './proxy/proxy.routes.js';
import { RouteTable } from './routing/route-table.js';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DiscoveryModule.forRoot(
          discoveryOptionsFrom(config, {
            announce: true,
            watch: true,
            client: {
              requestTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
              maxAttempts: config.UPSTREAM_MAX_ATTEMPTS,
            },
          }),
        ),
      ],
      controllers: [AdminController],
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
        ProxyRoutes,
      ],
    };
  }
}
