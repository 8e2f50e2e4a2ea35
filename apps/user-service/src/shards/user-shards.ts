import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';

import { createPool, migrate, type Pool } from '@platform/postgres';
import { ReadinessRegistry, ServiceContext } from '@platform/service-kit';
import { SingleShardRouter, type Shard, type ShardRouter } from '@platform/sharding';

import { USER_SERVICE_CONFIG } from '../config/config.js';
import type { UserServiceConfig } from '../config/env.schema.js';
import { shardMigrations } from './migrations.js';

/**
 * The shard databases user rows live in, and the router that says which one holds a user. Each
 * shard has its own pool, its migrations applied at start, and its own readiness check.
 */
@Injectable()
export class UserShards implements OnModuleInit, OnApplicationShutdown {
  readonly router: ShardRouter<bigint>;
  private readonly pools = new Map<number, Pool>();

  constructor(
    @Inject(USER_SERVICE_CONFIG) config: UserServiceConfig,
    private readonly context: ServiceContext,
    private readonly readiness: ReadinessRegistry,
  ) {
    const shards: Shard[] = config.USER_SHARD_URLS.map((_, id) => ({ id, name: `users_${id}` }));
    config.USER_SHARD_URLS.forEach((url, id) =>
      this.pools.set(id, createPool({ connectionString: url, applicationName: context.instanceId })),
    );
    this.router = new SingleShardRouter(shards[0]!);
  }

  async onModuleInit(): Promise<void> {
    for (const shard of this.router.shards()) {
      const pool = this.pool(shard);
      const applied = await migrate(pool, shardMigrations);
      if (applied.length > 0)
        this.context.logger.info({ shard: shard.name, applied }, 'applied shard migrations');
      this.readiness.register(`shard:${shard.name}`, async () => {
        await pool.query('SELECT 1');
      });
    }
  }

  pool(shard: Shard): Pool {
    const pool = this.pools.get(shard.id);
    if (!pool) throw new Error(`no connection pool for shard ${shard.name}`);
    return pool;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.pools.values()].map((pool) => pool.end()));
  }
}
