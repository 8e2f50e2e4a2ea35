import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Counter } from 'prom-client';

import { pgErrorCode } from '@platform/postgres';
import { ServiceContext } from '@platform/service-kit';

import { Catalog } from '../catalog/catalog.js';
import { USER_SERVICE_CONFIG } from '../config/config.js';
import type { UserServiceConfig } from '../config/env.schema.js';
import { PhysicalShards } from '../shards/physical-shards.js';
import { commitPreparedSql, GID_PREFIX, rollbackPreparedSql, UNDEFINED_OBJECT } from './two-phase.js';

/**
 * Settles two-phase user writes whose writer died between preparing on the shard and committing:
 * the catalog's recorded decision wins; without one, 'abort' is recorded first (so a writer that
 * is merely slow cannot decide 'commit' afterwards) and the shard's change is rolled back. Every
 * instance runs it; settling the same transaction twice is harmless.
 */
@Injectable()
export class InDoubtRecovery implements OnModuleInit, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly settled: Counter;

  constructor(
    @Inject(USER_SERVICE_CONFIG) private readonly config: UserServiceConfig,
    private readonly context: ServiceContext,
    private readonly shards: PhysicalShards,
    private readonly catalog: Catalog,
  ) {
    this.settled = new Counter({
      name: 'user_in_doubt_writes_settled_total',
      help: 'Two-phase user writes left prepared by a writer that died, settled by recovery, by outcome.',
      labelNames: ['outcome'],
      registers: [context.metrics],
    });
  }

  onModuleInit(): void {
    const every = Math.max(100, Math.min(5_000, Math.round(this.config.USER_IN_DOUBT_AFTER_MS / 2)));
    this.timer = setInterval(() => void this.runOnce(), every);
    this.timer.unref();
  }

  /** One pass over every shard; returns how many transactions it settled. */
  runOnce(): Promise<void> {
    this.running ??= this.sweep().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweep(): Promise<void> {
    const stillPrepared = await Promise.all(
      this.shards.names().map((shard) =>
        this.sweepShard(shard).catch((error: unknown) => {
          this.context.logger.debug({ shard, err: error }, 'in-doubt recovery could not check a shard');
          return undefined;
        }),
      ),
    );
    // A decision is needed only while its transaction is prepared somewhere. Dropped only when every
    // shard answered, and only once a minute old (a younger one may belong to a write just prepared).
    if (stillPrepared.every((gids) => gids !== undefined)) {
      await this.catalog
        .query((pool) =>
          pool.query(
            `DELETE FROM user_write_outcomes
             WHERE decided_at < now() - interval '1 minute' AND NOT (gid = ANY($1::text[]))`,
            [stillPrepared.flat()],
          ),
        )
        .catch(() => undefined);
    }
  }

  /** Settles the shard's transactions in doubt for too long; returns the ids still prepared there. */
  private async sweepShard(shard: string): Promise<string[]> {
    const { rows } = await this.shards.beside(shard, (pool) =>
      pool.query<{ gid: string; in_doubt: boolean }>(
        `SELECT gid, prepared < now() - make_interval(secs => $2::double precision / 1000) AS in_doubt
         FROM pg_prepared_xacts WHERE database = current_database() AND starts_with(gid, $1)`,
        [GID_PREFIX, this.config.USER_IN_DOUBT_AFTER_MS],
      ),
    );
    const remaining: string[] = [];
    for (const { gid, in_doubt: inDoubt } of rows) {
      if (!inDoubt) {
        remaining.push(gid);
        continue;
      }
      const outcome = await this.decide(gid);
      try {
        await this.shards.beside(shard, (pool) =>
          pool.query(outcome === 'commit' ? commitPreparedSql(gid) : rollbackPreparedSql(gid)),
        );
        this.settled.inc({ outcome });
        this.context.logger.warn({ shard, gid, outcome }, `settled an in-doubt user write: ${outcome}`);
      } catch (error) {
        if (pgErrorCode(error) !== UNDEFINED_OBJECT) remaining.push(gid); // else settled meanwhile
      }
    }
    return remaining;
  }

  /** The recorded decision, or 'abort' recorded now. */
  private async decide(gid: string): Promise<'commit' | 'abort'> {
    const { rows } = await this.catalog.query((pool) =>
      pool.query<{ outcome: 'commit' | 'abort' }>(
        `WITH recorded AS (
           INSERT INTO user_write_outcomes (gid, outcome) VALUES ($1, 'abort')
           ON CONFLICT (gid) DO NOTHING RETURNING outcome)
         SELECT outcome FROM recorded
         UNION ALL SELECT outcome FROM user_write_outcomes WHERE gid = $1`,
        [gid],
      ),
    );
    return rows[0]?.outcome ?? 'abort';
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
