import { Module, type DynamicModule } from '@nestjs/common';

import { DiscoveryModule, discoveryOptionsFrom } from '@platform/discovery';
import { PostgresModule } from '@platform/postgres';

import { FLAGS_CONFIG } from './config/config.js';
import type { FlagsServiceConfig } from './config/env.schema.js';
import { FlagPublisher } from './flags/flag-publisher.js';
import { FlagsController } from './flags/flags.controller.js';
import { FlagsRepository } from './flags/flags.repository.js';
import { SegmentsController } from './flags/segments.controller.js';
import { migrations } from './flags/migrations.js';

@Module({})
export class AppModule {
  static forRoot(config: FlagsServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PostgresModule.forRoot({ connectionString: config.DATABASE_URL, migrations }),
        DiscoveryModule.forRoot(
          discoveryOptionsFrom(config, { announce: true, watch: false, routes: ['flags'] }),
        ),
      ],
      controllers: [FlagsController, SegmentsController],
      providers: [{ provide: FLAGS_CONFIG, useValue: config }, FlagsRepository, FlagPublisher],
    };
  }
}
