import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { Kafka } from 'kafkajs';

import { createKafka } from '@platform/kafka';
import { ServiceContext } from '@platform/service-kit';

import { RegistryView } from '../registry-view.js';
import { ServiceClient } from '../client/service-client.js';
import { DiscoveryLifecycle } from './discovery.lifecycle.js';
import { DISCOVERY_KAFKA, DISCOVERY_OPTIONS, type DiscoveryModuleOptions } from './discovery.options.js';
import { RegistrationMetadata } from './registration-metadata.js';

/**
 * Joins a service to the platform's registry. `announce` registers this instance; `watch` keeps a
 * live view of all instances and provides a {@link ServiceClient} to call other services by name.
 *
 *   DiscoveryModule.forRoot(discoveryOptionsFrom(config, { announce: true, watch: true }))
 */
@Global()
@Module({})
export class DiscoveryModule {
  static forRoot(options: DiscoveryModuleOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: DISCOVERY_OPTIONS, useValue: options },
      {
        provide: DISCOVERY_KAFKA,
        inject: [ServiceContext],
        useFactory: (context: ServiceContext) =>
          createKafka({ brokers: options.brokers, clientId: context.instanceId, logger: context.logger }),
      },
      RegistrationMetadata,
      DiscoveryLifecycle,
    ];
    const exports: (symbol | typeof RegistrationMetadata | typeof RegistryView | typeof ServiceClient)[] = [
      RegistrationMetadata,
    ];
    if (options.watch) {
      providers.push(
        {
          provide: RegistryView,
          inject: [DISCOVERY_KAFKA, ServiceContext],
          useFactory: (kafka: Kafka, context: ServiceContext) =>
            new RegistryView({
              kafka,
              topic: options.topic,
              viewerId: context.instanceId,
              logger: context.logger.child({ component: 'registry' }),
            }),
        },
        {
          provide: ServiceClient,
          inject: [RegistryView, ServiceContext],
          useFactory: (view: RegistryView, context: ServiceContext) =>
            new ServiceClient({
              ...options.client,
              instances: view,
              localZone: context.zone,
              logger: context.logger.child({ component: 'service-client' }),
            }),
        },
      );
      exports.push(RegistryView, ServiceClient);
    }
    return { module: DiscoveryModule, providers, exports };
  }
}
