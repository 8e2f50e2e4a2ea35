import { Global, Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';

import { AdminAuthLimiter } from './admin/admin-auth-limiter.js';
import { AdminTokenGuard } from './admin/admin-token.guard.js';
import { FaultInjector } from './faults/fault-injector.js';
import { FaultsController } from './faults/faults.controller.js';
import { HealthController } from './health/health.controller.js';
import { ReadinessRegistry } from './health/readiness.registry.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { ApiDocument } from './openapi/api-document.js';
import { OpenApiController } from './openapi/openapi.controller.js';
import { ServiceContext } from './service-context.js';

/**
 * Health, metrics, readiness, admin auth and the OpenAPI document (`GET /openapi.json`) for every
 * service; global so any module can inject them.
 */
@Global()
@Module({})
export class ServiceKitModule {
  static forRoot(context: ServiceContext, faults: FaultInjector): DynamicModule {
    // One for the process: Nest makes a guard instance per module that uses it, and a client's
    // wrong tokens count against it on every admin route alike.
    const adminAuthLimiter = new AdminAuthLimiter({
      maxFailures: context.config.ADMIN_AUTH_MAX_FAILURES,
      windowMs: context.config.ADMIN_AUTH_WINDOW_MS,
    });
    return {
      module: ServiceKitModule,
      imports: [TerminusModule.forRoot({ logger: false }), DiscoveryModule],
      controllers: [HealthController, MetricsController, FaultsController, OpenApiController],
      providers: [
        { provide: ServiceContext, useValue: context },
        { provide: FaultInjector, useValue: faults },
        { provide: AdminAuthLimiter, useValue: adminAuthLimiter },
        ReadinessRegistry,
        AdminTokenGuard,
        ApiDocument,
      ],
      exports: [ServiceContext, ReadinessRegistry, AdminAuthLimiter, AdminTokenGuard, ApiDocument],
    };
  }
}
