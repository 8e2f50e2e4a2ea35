import { Module, type DynamicModule } from '@nestjs/common';

import { DiscoveryModule, discoveryOptionsFrom } from '@platform/discovery';

import { USER_SERVICE_CONFIG } from './config/config.js';
import type { UserServiceConfig } from './config/env.schema.js';
import { UserShards } from './shards/user-shards.js';
import { IdClient } from './users/id-client.js';
import { UsersController } from './users/users.controller.js';
import { UsersRepository } from './users/users.repository.js';
import { UsersService } from './users/users.service.js';

@Module({})
export class AppModule {
  static forRoot(config: UserServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DiscoveryModule.forRoot(
          discoveryOptionsFrom(config, { announce: true, watch: true, routes: ['users'] }),
        ),
      ],
      controllers: [UsersController],
      providers: [
        { provide: USER_SERVICE_CONFIG, useValue: config },
        UserShards,
        UsersRepository,
        IdClient,
        UsersService,
      ],
    };
  }
}
