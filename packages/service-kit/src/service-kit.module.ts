import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';

import { AdminTokenGuard } from './admin/admin-token.guard.js';
import { HealthController } from './health/health.controller.js';
import { ReadinessRegistry } from './health/readiness.registry.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { ServiceContext } from './service-context.js';

/** Health, metrics, readiness and admin auth for every service; global so any module can inject them. */
@Global()
@Module({})
export class ServiceKitModule {
  static forRoot(context: ServiceContext): DynamicModule {
    return {
      module: ServiceKitModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [{ provide: ServiceContext, useValue: context }, ReadinessRegistry, AdminTokenGuard],
      exports: [ServiceContext, ReadinessRegistry, AdminTokenGuard],
    };
  }
}
