import {
  Controller,
  Get,
  Global,
  Inject,
  Injectable,
  Module,
  UseGuards,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { z } from 'zod';

import { createKafka } from '@platform/kafka';
import {
  AdminTokenGuard,
  Answers,
  ServiceContext,
  snapshotFileOf,
  Summary,
  type BaseEnv,
} from '@platform/service-kit';

import { FlagsClient } from '../flags-client.js';
import { registerFlagsMetrics } from '../flags-metrics.js';

export interface FlagsModuleOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  /** Keeps the last known flags across restarts (see FlagsClient). */
  readonly snapshotFile?: string;
}

const FLAGS_OPTIONS = Symbol('FLAGS_OPTIONS');

/**
 * Options from the service's validated environment (KAFKA_BROKERS, FLAGS_TOPIC, and SNAPSHOT_DIR:
 * with it, the flags are kept in `flags.json` there unless `snapshotFile` says otherwise).
 */
export function flagsOptionsFrom(
  config: BaseEnv,
  snapshotFile = snapshotFileOf(config, 'flags.json'),
): FlagsModuleOptions {
  return { brokers: config.KAFKA_BROKERS, topic: config.FLAGS_TOPIC, snapshotFile };
}

/** Starts the service's FlagsClient with the service and stops it on shutdown. */
@Injectable()
class FlagsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(FlagsClient) private readonly client: FlagsClient) {}

  /**
   * Once the whole app has initialised (a service that fails to start starts no background reader).
   * Resolves when a snapshot (if any) is loaded; the topic is read in the background, so a service
   * starts even while Kafka is away, and its flags catch up when it is back.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.client.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.stop();
  }
}

const heldSchema = z.array(z.object({ key: z.string(), version: z.number().int() }));

/** `GET /admin/flags`: which flags and segments this instance holds, at which versions. */
@Controller('admin/flags')
@UseGuards(AdminTokenGuard)
class FlagsAdminController {
  constructor(@Inject(FlagsClient) private readonly client: FlagsClient) {}

  @Get()
  @Summary('The flags and segments this instance holds, at which versions')
  @Answers(200, z.object({ caughtUp: z.boolean(), flags: heldSchema, segments: heldSchema }))
  list(): {
    caughtUp: boolean;
    flags: { key: string; version: number }[];
    segments: { key: string; version: number }[];
  } {
    return { caughtUp: this.client.caughtUp, flags: this.client.flags(), segments: this.client.segments() };
  }
}

/**
 * Feature flags in a NestJS service: a {@link FlagsClient} (inject it, or wrap it in a
 * `PlatformFlagsProvider` for OpenFeature) that follows the flags topic, evaluates in-process, and
 * shows what it holds at `GET /admin/flags`.
 *
 *   FlagsModule.forRoot(flagsOptionsFrom(config))
 */
@Global()
@Module({})
export class FlagsModule {
  static forRoot(options: FlagsModuleOptions): DynamicModule {
    return {
      module: FlagsModule,
      controllers: [FlagsAdminController],
      providers: [
        { provide: FLAGS_OPTIONS, useValue: options },
        {
          provide: FlagsClient,
          inject: [ServiceContext],
          useFactory: (context: ServiceContext) => {
            const client = new FlagsClient({
              kafka: createKafka({
                brokers: options.brokers,
                clientId: `${context.instanceId}.flags-sdk`,
                logger: context.logger,
              }),
              topic: options.topic,
              logger: context.logger.child({ component: 'flags' }),
              clientId: context.instanceId,
              snapshotFile: options.snapshotFile,
            });
            registerFlagsMetrics(client, context.metrics);
            return client;
          },
        },
        FlagsLifecycle,
      ],
      exports: [FlagsClient],
    };
  }
}
