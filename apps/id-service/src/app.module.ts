import { Module, type DynamicModule } from '@nestjs/common';

import { DiscoveryModule, discoveryOptionsFrom } from '@platform/discovery';
import { PostgresModule } from '@platform/postgres';

import { ID_SERVICE_CONFIG } from './config/config.js';
import type { IdServiceConfig } from './config/env.schema.js';
import { IdsController } from './ids/ids.controller.js';
import { SnowflakeService } from './ids/snowflake.service.js';
import { migrations } from './leases/migrations.js';
import { WorkerLeaseRepository } from './leases/worker-lease.repository.js';
import { WorkerLeaseService } from './leases/worker-lease.service.js';

@Module({})
export class AppModule {
  static forRoot(config: IdServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PostgresModule.forRoot({ connectionString: config.DATABASE_URL, migrations }),
        DiscoveryModule.forRoot(
          discoveryOptionsFrom(config, { announce: true, watch: false, routes: ['ids'], retrySafe: true }),
        ),
      ],
      controllers: [IdsController],
      providers: [
        { provide: ID_SERVICE_CONFIG, useValue: config },
        WorkerLeaseRepository,
        WorkerLeaseService,
        SnowflakeService,
      ],
    };
  }
}
