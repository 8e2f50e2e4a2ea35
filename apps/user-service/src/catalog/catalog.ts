import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';

import { isCircuitOpenError, type CircuitBreaker } from '@platform/breakers';
import { createPool, migrate, PG_ERROR, pgErrorCode, type Pool, type PoolClient } from '@platform/postgres';
import { ReadinessRegistry, ServiceContext } from '@platform/service-kit';
import { ShardMap, type ShardMapSpec } from '@platform/sharding';

import { USER_SERVICE_CONFIG } from '../config/config.js';
import type { UserServiceConfig } from '../config/env.schema.js';
import { createShardBreaker } from '../shards/shard-breaker.js';
import { CatalogUnavailableError, isConnectionFailure } from '../shards/shard.errors.js';
import { catalogMigrations } from './catalog.migrations.js';

/** Someone else wrote the next shard map version first. */
export class MapVersionConflictError extends Error {
  constructor(readonly version: number) {
    super(`shard map version ${version} was written by someone else first`);
  }
}

/**
 * The catalog database, the platform's "index server": the versioned shard map, the global email
 * lookup index and the resharding jobs. Routers cache the map; only resharding writes it.
 *
 * A read by id never needs it (the map is held in memory), so it has a breaker of its own with the
 * shard servers' rule, and its readiness check is not critical: with the catalog down or hung an
 * instance stays ready and serves every read by id; creates, email changes, lookups by email and
 * resharding get 503 `catalog_unavailable`.
 */
@Injectable()
export class Catalog implements OnModuleInit, OnApplicationShutdown {
  readonly pool: Pool;
  private readonly breaker: CircuitBreaker;

  constructor(
    @Inject(USER_SERVICE_CONFIG) config: UserServiceConfig,
    private readonly context: ServiceContext,
    private readonly readiness: ReadinessRegistry,
  ) {
    this.pool = createPool({
      connectionString: config.USER_CATALOG_URL,
      applicationName: context.instanceId,
      connectionTimeoutMs: 2_000,
      statementTimeoutMs: 2_000,
      queryTimeoutMs: 2_500,
    });
    this.breaker = createShardBreaker({
      name: 'catalog',
      slowCallMs: config.USER_SHARD_SLOW_CALL_MS,
      probe: () => this.pool.query('SELECT 1'),
    });
    this.breaker.on('stateChange', (from, to) =>
      context.logger[to === 'open' ? 'warn' : 'info']({ from, to }, `catalog breaker ${from} -> ${to}`),
    );
  }

  private initialised: Promise<void> | undefined;

  onModuleInit(): Promise<void> {
    return this.init();
  }

  /** Migrates the catalog once; others that need it at start-up await this too. */
  init(): Promise<void> {
    this.initialised ??= (async () => {
      const applied = await migrate(this.pool, catalogMigrations);
      if (applied.length > 0) this.context.logger.info({ applied }, 'applied catalog migrations');
      this.readiness.register(
        'catalog',
        async () => {
          await this.query((pool) => pool.query('SELECT 1'));
        },
        { critical: false },
      );
    })();
    return this.initialised;
  }

  /**
   * Runs a catalog query through the catalog's breaker: refused at once while it is open, and an
   * unreachable or hung catalog becomes a 503.
   */
  async query<T>(work: (pool: Pool) => Promise<T>): Promise<T> {
    try {
      return await this.breaker.execute(() => work(this.pool));
    } catch (error) {
      if (isCircuitOpenError(error))
        throw new CatalogUnavailableError('its circuit breaker is open: its calls were slow or failed', {
          retryAfterSeconds: error.retryAfterSeconds,
        });
      if (isConnectionFailure(error)) throw new CatalogUnavailableError((error as Error).message);
      throw error;
    }
  }

  /** The current (highest) shard map, or undefined before the first one is written. */
  async currentMap(): Promise<ShardMap | undefined> {
    const { rows } = await this.query((pool) =>
      pool.query<{ spec: ShardMapSpec }>('SELECT spec FROM shard_maps ORDER BY version DESC LIMIT 1'),
    );
    return rows[0] ? ShardMap.create(rows[0].spec) : undefined;
  }

  /**
   * Writes `map` as the next version. Refused with {@link MapVersionConflictError} if that version
   * exists: two writers that both read version n can never both publish an n+1.
   */
  async writeMap(map: ShardMap, reason: string): Promise<void> {
    await this.query((pool) => insertShardMap(pool, map, reason));
  }

  async onApplicationShutdown(): Promise<void> {
    this.breaker.shutdown();
    await this.pool.end().catch(() => undefined);
  }
}

/**
 * Adds `map` as the catalog's next shard map, through `db` (the pool, or a transaction that checks
 * something first); another map at that version already there is a {@link MapVersionConflictError}.
 */
export async function insertShardMap(
  db: Pick<Pool, 'query'> | Pick<PoolClient, 'query'>,
  map: ShardMap,
  reason: string,
): Promise<void> {
  try {
    await db.query('INSERT INTO shard_maps (version, spec, reason) VALUES ($1, $2, $3)', [
      map.version,
      JSON.stringify(map.toSpec()),
      reason,
    ]);
  } catch (error) {
    if (pgErrorCode(error) === PG_ERROR.uniqueViolation) throw new MapVersionConflictError(map.version);
    throw error;
  }
}
