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

  /**
   * The recorded decision, or 'abort' recorded now. Two statements, not one: when the writer's
   * 'commit' is being inserted at the same moment, the insert here waits for it and then does
   * nothing, and a read in the same statement would still see the table as it was before the writer
   * committed (one snapshot per statement) — no decision, taken for 'abort', while the writer,
   * finding its transaction gone, told its client 201 (issue 19, race 3; forced by
   * test/integration/in-doubt-interleaving.spec.ts). The read after it takes a new snapshot.
   */
  private async decide(gid: string): Promise<'commit' | 'abort'> {
    return this.catalog.query(async (pool) => {
      const { rows: recorded } = await pool.query<{ outcome: 'abort' }>(
        `INSERT INTO user_write_outcomes (gid, outcome) VALUES ($1, 'abort')
         ON CONFLICT (gid) DO NOTHING RETURNING outcome`,
        [gid],
      );
      if (recorded[0]) return recorded[0].outcome;
      const { rows } = await pool.query<{ outcome: 'commit' | 'abort' }>(
        'SELECT outcome FROM user_write_outcomes WHERE gid = $1',
        [gid],
      );
      // Decisions are dropped only once no shard has their transaction prepared; this one still is.
      if (!rows[0]) throw new Error(`the decision on ${gid} was there and is gone; settled next pass`);
      return rows[0].outcome;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
