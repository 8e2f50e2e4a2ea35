import { Module, type DynamicModule } from '@nestjs/common';

import { DiscoveryModule, discoveryOptionsFrom } from '@platform/discovery';
import { FlagsModule, flagsOptionsFrom } from '@platform/flags-sdk';
import { PostgresModule } from '@platform/postgres';

import { ID_SERVICE_CONFIG } from './config/config.js';
import type { IdServiceConfig } from './config/env.schema.js';
import { ClockControl } from './ids/clock-control.js';
import { ID_ISSUERS, type IdIssuer } from './ids/id-issuer.js';
import { IdMetrics } from './ids/id-metrics.js';
import { IdsController } from './ids/ids.controller.js';
import { InstagramSequenceRepository } from './ids/instagram-sequence.repository.js';
import { InstagramIssuer } from './ids/instagram.issuer.js';
import { ObjectIdIssuer, UlidIssuer, UuidV7Issuer } from './ids/local-issuers.js';
import { SnowflakeIssuer } from './ids/snowflake.issuer.js';
import { migrations } from './leases/migrations.js';
import { WorkerLeaseRepository } from './leases/worker-lease.repository.js';
import { WorkerLeaseService } from './leases/worker-lease.service.js';

const ISSUERS = [SnowflakeIssuer, InstagramIssuer, ObjectIdIssuer, UlidIssuer, UuidV7Issuer];

@Module({})
export class AppModule {
  static forRoot(config: IdServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        FlagsModule.forRoot(flagsOptionsFrom(config)),
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
        ClockControl,
        IdMetrics,
        InstagramSequenceRepository,
        ...ISSUERS,
        { provide: ID_ISSUERS, inject: ISSUERS, useFactory: (...issuers: IdIssuer[]) => issuers },
      ],
    };
  }
}
