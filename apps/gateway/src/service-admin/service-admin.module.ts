import { Module } from '@nestjs/common';

import { RegistryView } from '@platform/discovery';

import { ServiceAdminClient } from './service-admin.client.js';
import { ServiceAdminRoutes } from './service-admin.routes.js';
import { ServiceAdminTargets } from './service-admin-targets.js';

/** `ANY /admin/services/{service}/{path}`: each service's own admin API, through the gateway. */
@Module({
  providers: [
    ServiceAdminClient,
    {
      provide: ServiceAdminTargets,
      inject: [RegistryView],
      useFactory: (view: RegistryView) => {
        const targets = new ServiceAdminTargets(view);
        view.on('added', (instance) => targets.learn(instance.service));
        return targets;
      },
    },
    ServiceAdminRoutes,
  ],
  exports: [ServiceAdminClient, ServiceAdminTargets],
})
export class ServiceAdminModule {}
