import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { Kafka } from 'kafkajs';

import { createKafka } from '@platform/kafka';
import { ServiceContext } from '@platform/service-kit';

import { RegistryView } from '../registry-view.js';
import { ServiceClient } from '../client/service-client.js';
import { WEIGHT_METADATA_KEY } from '../service-instance.js';
import { DiscoveryLifecycle } from './discovery.lifecycle.js';
import { DISCOVERY_KAFKA, DISCOVERY_OPTIONS, type DiscoveryModuleOptions } from './discovery.options.js';
import { InstanceWeightController } from './instance-weight.controller.js';
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
      {
        provide: RegistrationMetadata,
        useFactory: () => {
          const metadata = new RegistrationMetadata();
          if (options.weight !== undefined) metadata.set(WEIGHT_METADATA_KEY, String(options.weight));
          return metadata;
        },
      },
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
    // An announced instance's weight can be changed while it runs: GET|PUT /admin/weight.
    const controllers = options.announce ? [InstanceWeightController] : [];
    return { module: DiscoveryModule, controllers, providers, exports };
  }
}
