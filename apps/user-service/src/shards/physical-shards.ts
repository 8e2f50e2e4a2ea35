import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';

import { isCircuitOpenError, type BreakerState, type CircuitBreaker } from '@platform/breakers';
import { BoundHistogram, type HistogramSeries } from '@platform/observability';
import {
  createPool,
  migrate,
  withTransaction,
  type Pool,
  type PoolClient,
  type QueryConfig,
  type QueryResult,
  type QueryResultRow,
} from '@platform/postgres';
import { ServiceContext } from '@platform/service-kit';

import { USER_SERVICE_CONFIG } from '../config/config.js';
import { shardNameOf, shardServerOf, type UserServiceConfig } from '../config/env.schema.js';
import { createShardBreaker } from './shard-breaker.js';
import { isConnectionFailure, ShardUnavailableError, UnconfiguredShardError } from './shard.errors.js';
import { shardMigrations } from './shard.migrations.js';

const BREAKER_STATE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * Deadlines of a shard connection: a server that hangs fails a call within 2.5 s (a statement the
 * server itself cancels at 2 s, the client gives up at 2.5 s when the server is too stuck to), and the
 * breaker has usually opened long before, on the slow-call rule.
 */
const SHARD_DEADLINES = {
  connectionTimeoutMs: 1_000,
  statementTimeoutMs: 2_000,
  queryTimeoutMs: 2_500,
} as const;

/**
 * Calls that may wait for a shard's connections, per connection; one more is refused at once with a
 * 503 (load shed, not counted by the breaker: the shard is busy, not down).
 */
export const WAITING_PER_CONNECTION = 16;

/**
 * Each shard database's pool size: the connection budget of its server split evenly among the
 * shard databases of `urls` on that server, at least one each.
 */
export function shardPoolSizes(urls: readonly string[], perServer: number): Map<string, number> {
  const servers = urls.map(shardServerOf);
  const onServer = new Map<string, number>();
  for (const server of servers) onServer.set(server, (onServer.get(server) ?? 0) + 1);
  return new Map(
    urls.map((url, i) => [
      shardNameOf(url),
      Math.max(1, Math.floor(perServer / (onServer.get(servers[i]!) ?? 1))),
    ]),
  );
}

/** Its waiting room is full: one more call is refused rather than queued. */
const overloaded = (shard: PhysicalShard): boolean => shard.pool.waitingCount >= shard.maxWaiting;

/** What became of one call to a shard, for its metrics. */
type Outcome = 'ok' | 'unavailable' | 'error';

interface PhysicalShard {
  readonly name: string;
  /** Its PostgreSQL server (`host:port`), whose breaker it shares. */
  readonly server: string;
  readonly pool: Pool;
  /** Calls beyond this many waiting for a connection are refused. */
  readonly maxWaiting: number;
  readonly breaker: CircuitBreaker;
  /** The shard's duration histogram per outcome, bound once: observing is a bucket increment. */
  readonly timings: Record<Outcome, HistogramSeries>;
  migrated: boolean;
}

/**
 * The shard databases of USER_SHARD_URLS, each with its own pool, and one circuit breaker per
 * PostgreSQL server they are on (src/shards/shard-breaker.ts). A request's call to a shard goes
 * through {@link query} or {@link run}: with one shard server down or hung, its breaker opens and
 * calls for its users fail at once with a 503 naming the shard, while every other server is
 * untouched. Bulk work (listings, resharding, recovery, admin counts) goes {@link beside} it.
 *
 * Per server, not per database: the faults the breaker is for (a frozen or unreachable server)
 * take every database on a server at once, and one breaker learns of it from the first few calls
 * to any of them, where a breaker per database would let each database's users pay for its own.
 */
@Injectable()
export class PhysicalShards implements OnModuleInit, OnApplicationShutdown {
  private readonly shards = new Map<string, PhysicalShard>();
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    @Inject(USER_SERVICE_CONFIG) config: UserServiceConfig,
    private readonly context: ServiceContext,
  ) {
    const state = new Gauge({
      name: 'user_shard_breaker_state',
      help: 'Circuit breaker of the server of each shard database: 0 closed, 1 half-open, 2 open.',
      labelNames: ['shard', 'server'],
      registers: [context.metrics],
    });
    const durations = new BoundHistogram({
      name: 'user_shard_operation_duration_seconds',
      help: 'Calls to each shard database (a query or a transaction), by outcome: ok, unavailable (breaker open or connection failed), error.',
      labelNames: ['shard', 'outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [context.metrics],
    });
    const poolSizes = shardPoolSizes(config.USER_SHARD_URLS, config.USER_CONNECTIONS_PER_SERVER);
    for (const url of config.USER_SHARD_URLS) {
      const name = shardNameOf(url);
      const server = shardServerOf(url);
      const max = poolSizes.get(name) ?? 1;
      const pool = createPool({
        connectionString: url,
        applicationName: context.instanceId,
        ...SHARD_DEADLINES,
        // Waits for a busy pool are bounded by maxWaiting instead: a checkout timeout is a timer per query.
        checkoutTimeoutMs: 0,
        max,
      });
      const breaker = this.breakers.get(server) ?? this.serverBreaker(server, pool, config);
      const timings = {
        ok: durations.bind({ shard: name, outcome: 'ok' }),
        unavailable: durations.bind({ shard: name, outcome: 'unavailable' }),
        error: durations.bind({ shard: name, outcome: 'error' }),
      };
      state.set({ shard: name, server }, 0);
      breaker.on('stateChange', (_from, to) => state.set({ shard: name, server }, BREAKER_STATE[to]));
      this.shards.set(name, {
        name,
        server,
        pool,
        maxWaiting: max * WAITING_PER_CONNECTION,
        breaker,
        timings,
        migrated: false,
      });
    }
  }

  /** The breaker of `server`, probing it through `pool` (its first shard database's). */
  private serverBreaker(server: string, pool: Pool, config: UserServiceConfig): CircuitBreaker {
    const breaker = createShardBreaker({
      name: `shard-server:${server}`,
      slowCallMs: config.USER_SHARD_SLOW_CALL_MS,
      probe: () => pool.query('SELECT 1'),
    });
    breaker.on('stateChange', (from, to) => {
      const shards = [...this.shards.values()].filter((shard) => shard.server === server).map((s) => s.name);
      const level = to === 'open' ? 'warn' : 'info';
      this.context.logger[level](
        { server, shards, from, to },
        `breaker of shard server ${server} ${from} -> ${to}`,
      );
    });
    this.breakers.set(server, breaker);
    return breaker;
  }

  /**
   * Migrates every shard it can reach. One that is down does not stop the service (its users get
   * 503s, everyone else is served); it is migrated when a call first reaches it.
   */
  private initialised: Promise<void> | undefined;

  onModuleInit(): Promise<void> {
    this.initialised ??= this.migrateAll();
    return this.initialised;
  }

  /** Resolves once start-up migrations ran (for providers that use the shards while starting). */
  init(): Promise<void> {
    return this.onModuleInit();
  }

  private async migrateAll(): Promise<void> {
    await Promise.all(
      [...this.shards.values()].map(async (shard) => {
        try {
          await this.migrate(shard);
        } catch (error) {
          if (!isConnectionFailure(error)) throw error;
          this.context.logger.warn(
            { shard: shard.name, err: error },
            `shard ${shard.name} is unreachable at start-up; its users get 503s until it answers`,
          );
        }
      }),
    );
  }

  private async migrate(shard: PhysicalShard): Promise<void> {
    const applied = await migrate(shard.pool, shardMigrations);
    shard.migrated = true;
    if (applied.length > 0)
      this.context.logger.info({ shard: shard.name, applied }, 'applied shard migrations');
  }

  names(): string[] {
    return [...this.shards.keys()];
  }

  has(name: string): boolean {
    return this.shards.has(name);
  }

  breakerState(name: string): BreakerState {
    return this.get(name).breaker.state;
  }

  /**
   * Runs `work` on shard `name` through its server's breaker; connection failures become 503s naming
   * it, and so does a call that finds {@link WAITING_PER_CONNECTION} calls per connection already waiting.
   */
  run<T>(name: string, work: (pool: Pool) => Promise<T>): Promise<T> {
    const shard = this.shards.get(name);
    if (!shard) return Promise.reject(new UnconfiguredShardError(name));
    if (overloaded(shard)) return Promise.reject(this.shed(shard));
    const started = performance.now();
    return shard.breaker
      .execute(() => this.migrated(shard, work))
      .then(
        (result) => {
          shard.timings.ok.observe((performance.now() - started) / 1000);
          return result;
        },
        (error: unknown) => this.failed(shard, started, error),
      );
  }

  /**
   * Runs bulk `work` on shard `name` beside its server's breaker: refused at once (503) while the
   * breaker is not closed, otherwise neither counted nor judged by it, so a listing or a copy that
   * takes seconds on a healthy server does not open the breaker for every read. A hung server still
   * ends it within the pool's deadlines, with a 503 naming the shard.
   */
  beside<T>(name: string, work: (pool: Pool) => Promise<T>): Promise<T> {
    const shard = this.shards.get(name);
    if (!shard) return Promise.reject(new UnconfiguredShardError(name));
    if (overloaded(shard)) return Promise.reject(this.shed(shard));
    const state = shard.breaker.state;
    if (state !== 'closed') return Promise.reject(this.refused(shard, state));
    const started = performance.now();
    return this.migrated(shard, work).then(
      (result) => {
        shard.timings.ok.observe((performance.now() - started) / 1000);
        return result;
      },
      (error: unknown) => this.failed(shard, started, error),
    );
  }

  private migrated<T>(shard: PhysicalShard, work: (pool: Pool) => Promise<T>): Promise<T> {
    return shard.migrated ? work(shard.pool) : this.migrate(shard).then(() => work(shard.pool));
  }

  /**
   * One statement on shard `name` through its breaker (see {@link run}). On the common path (the
   * breaker closed, the shard migrated and not overloaded) it is one promise step: the pool's
   * callback settles it and reports to the breaker's permit.
   */
  query<R extends QueryResultRow>(name: string, config: QueryConfig): Promise<QueryResult<R>> {
    const shard = this.shards.get(name);
    const permit = shard?.migrated && !overloaded(shard) ? shard.breaker.closedPermit() : undefined;
    if (!shard || !permit) return this.run(name, (pool) => pool.query<R>(config));
    const started = performance.now();
    return new Promise((resolve) => {
      shard.pool.query<R>(config, (error, result) => {
        if (error) {
          resolve(permit.failed(error).catch((failure: unknown) => this.failed(shard, started, failure)));
          return;
        }
        permit.succeeded();
        shard.timings.ok.observe((performance.now() - started) / 1000);
        resolve(result);
      });
    });
  }

  /** A call refused before it is sent: the shard's waiting room is full (load shed, not counted). */
  private shed(shard: PhysicalShard): ShardUnavailableError {
    shard.timings.unavailable.observe(0);
    return new ShardUnavailableError(
      shard.name,
      `it is overloaded: ${shard.pool.waitingCount} calls are already waiting for a connection (it has ${shard.pool.options.max})`,
    );
  }

  /** A call refused because the breaker of the shard's server is open (or probing). */
  private refused(shard: PhysicalShard, state: BreakerState, retryAfterSeconds = 1): ShardUnavailableError {
    shard.timings.unavailable.observe(0);
    return new ShardUnavailableError(
      shard.name,
      state === 'open'
        ? `the circuit breaker of its server ${shard.server} is open: its calls were slow or failed`
        : `the circuit breaker of its server ${shard.server} is probing whether it answers again`,
      retryAfterSeconds,
    );
  }

  /** Records a failed call and throws what the caller gets: connection failures become 503s naming the shard. */
  private failed(shard: PhysicalShard, started: number, error: unknown): never {
    if (isCircuitOpenError(error)) throw this.refused(shard, error.state, error.retryAfterSeconds);
    const seconds = (performance.now() - started) / 1000;
    if (isConnectionFailure(error)) {
      shard.timings.unavailable.observe(seconds);
      throw new ShardUnavailableError(shard.name, (error as Error).message || 'the connection failed');
    }
    shard.timings.error.observe(seconds);
    throw error;
  }

  /** Runs `fn` in a transaction on shard `name` (committed if it resolves), through its breaker. */
  transaction<T>(name: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.run(name, (pool) => withTransaction(pool, fn));
  }

  private get(name: string): PhysicalShard {
    const shard = this.shards.get(name);
    if (!shard) throw new UnconfiguredShardError(name);
    return shard;
  }

  async onApplicationShutdown(): Promise<void> {
    for (const breaker of this.breakers.values()) breaker.shutdown();
    await Promise.allSettled([...this.shards.values()].map((shard) => shard.pool.end()));
  }
}
