import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Pool } from 'pg';

import { ReadinessRegistry, ServiceContext } from '@platform/service-kit';

import type { Deadlines } from '../deadlines.js';
import { migrate, type Migration } from '../migrate.js';
import { createPool } from '../pool.js';

export interface PostgresModuleOptions {
  readonly connectionString: string;
  readonly migrations: readonly Migration[];
  readonly maxConnections?: number;
  /** Overrides of the pool's deadlines (connect, statement, query, idle in transaction); migrations are exempt. */
  readonly deadlines?: Deadlines;
}

/** Inject the service's pool with `@Inject(PG_POOL) pool: Pool`. */
export const PG_POOL = Symbol('PG_POOL');
const OPTIONS = Symbol('POSTGRES_OPTIONS');

@Injectable()
class PostgresLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(OPTIONS) private readonly options: PostgresModuleOptions,
    private readonly readiness: ReadinessRegistry,
    private readonly context: ServiceContext,
  ) {}

  async onModuleInit(): Promise<void> {
    const applied = await migrate(this.pool, this.options.migrations);
    if (applied.length > 0) this.context.logger.info({ applied }, 'applied database migrations');
    this.readiness.register('postgres', async () => {
      await this.pool.query('SELECT 1');
      return { connections: this.pool.totalCount, idle: this.pool.idleCount };
    });
  }

  /** After the HTTP server closed: no request can still need a connection. */
  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * One PostgreSQL database for a service: a pool, its migrations applied at start, a `postgres`
 * readiness check, and the pool closed at shutdown once in-flight requests are done.
 */
@Global()
@Module({})
export class PostgresModule {
  static forRoot(options: PostgresModuleOptions): DynamicModule {
    return {
      module: PostgresModule,
      providers: [
        { provide: OPTIONS, useValue: options },
        {
          provide: PG_POOL,
          inject: [ServiceContext],
          useFactory: (context: ServiceContext) =>
            createPool({
              ...options.deadlines,
              connectionString: options.connectionString,
              applicationName: context.instanceId,
              max: options.maxConnections,
            }),
        },
        PostgresLifecycle,
      ],
      exports: [PG_POOL],
    };
  }
}
