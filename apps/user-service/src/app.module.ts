import { Module, type DynamicModule } from '@nestjs/common';

import { DiscoveryModule, discoveryOptionsFrom } from '@platform/discovery';
import { FlagsModule, flagsOptionsFrom } from '@platform/flags-sdk';

import { ShardsAdminController } from './admin/shards-admin.controller.js';
import { Catalog } from './catalog/catalog.js';
import { USER_SERVICE_CONFIG } from './config/config.js';
import type { UserServiceConfig } from './config/env.schema.js';
import { ReshardController } from './reshard/reshard.controller.js';
import { Resharder } from './reshard/resharder.js';
import { PhysicalShards } from './shards/physical-shards.js';
import { ShardMapService } from './shards/shard-map.service.js';
import { IdClient } from './users/id-client.js';
import { InDoubtRecovery } from './users/in-doubt-recovery.js';
import { UserStore } from './users/user-store.js';
import { UsersController } from './users/users.controller.js';
import { UsersService } from './users/users.service.js';

@Module({})
export class AppModule {
  static forRoot(config: UserServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        FlagsModule.forRoot(flagsOptionsFrom(config)),
        DiscoveryModule.forRoot(
          discoveryOptionsFrom(config, { announce: true, watch: true, routes: ['users'] }),
        ),
      ],
      controllers: [UsersController, ShardsAdminController, ReshardController],
      providers: [
        { provide: USER_SERVICE_CONFIG, useValue: config },
        Catalog,
        PhysicalShards,
        ShardMapService,
        UserStore,
        InDoubtRecovery,
        Resharder,
        IdClient,
        UsersService,
      ],
    };
  }
}
