import { randomBytes } from 'node:crypto';

import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Gauge, Histogram } from 'prom-client';

import type { Pool, PoolClient } from '@platform/postgres';
import { ServiceContext } from '@platform/service-kit';
import { planDoubling, type ShardMap } from '@platform/sharding';

import { Catalog, insertShardMap, MapVersionConflictError } from '../catalog/catalog.js';
import { USER_SERVICE_CONFIG } from '../config/config.js';
import type { UserServiceConfig } from '../config/env.schema.js';
import { crashPoint } from '../shards/crash-points.js';
import { pausePoint } from '../shards/pause-points.js';
import { PhysicalShards } from '../shards/physical-shards.js';
import { ShardMapService } from '../shards/shard-map.service.js';
import { JobLease, JobLostError } from './job-lease.js';
import { MOVE_STATES, type MoveState, type ReshardRequest } from './reshard.dto.js';
import { InvalidReshardError, ReshardConflictError, ReshardJobNotFoundError } from './reshard.errors.js';
import { TargetFence } from './target-fence.js';

const COPY_BATCH = 2_000;
/** Catch-up rounds stop (and the fence goes up) once a round finds fewer changes than this. */
const CATCH_UP_ENOUGH = 50;
const MAX_CATCH_UP_ROUNDS = 20;
/** The fence waits this long for writes in flight; longer, and the cutover is tried again later. */
const FENCE_LOCK_TIMEOUT = '2s';

export interface ReshardMove {
  readonly logicalShard: number;
  readonly state: MoveState;
  readonly copied: number;
  readonly caughtUp: number;
  /** When its cutover fenced writes (ISO 8601) and for how long; null until then. */
  readonly fencedAt: string | null;
  readonly fenceMs: number | null;
}

export interface ReshardJob {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly state: 'running' | 'done' | 'failed';
  readonly owner: string | null;
  readonly error: string | null;
  readonly createdAt: string;
  readonly finishedAt: string | null;
  readonly counts: Record<MoveState, number>;
  readonly moves: ReshardMove[];
}

interface JobRow {
  id: string;
  source: string;
  target: string;
  state: ReshardJob['state'];
  owner: string | null;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

/** One logical shard's move as one owner runs it: the job, this owner's claim, the target's fence. */
interface MoveRun {
  readonly job: ReshardJob;
  readonly lease: JobLease;
  readonly target: TargetFence;
}

interface UserCopyRow {
  id: bigint;
  logical_shard: number;
  email: string;
  name: string;
  created_at: Date;
  updated_at: Date;
}

/**
 * Online resharding: moves logical shards from one database to another while users keep writing,
 * one logical shard at a time — copying (a snapshot, while changes are captured) → catching-up
 * (replaying captured changes) → cutover (fence writes, last changes, hand ownership over, publish
 * the new map) → done (the source's copy removed). Every step is recorded in the catalog and can
 * be redone, so a job whose instance dies is taken over (by it after a restart, or by any other
 * instance once its lease lapses) and continues where it was: never half-moved.
 */
@Injectable()
export class Resharder implements OnApplicationBootstrap, OnApplicationShutdown {
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly moveStates: Gauge;
  private readonly fenceSeconds: Histogram;

  constructor(
    @Inject(USER_SERVICE_CONFIG) private readonly config: UserServiceConfig,
    private readonly context: ServiceContext,
    private readonly catalog: Catalog,
    private readonly shards: PhysicalShards,
    private readonly maps: ShardMapService,
  ) {
    this.moveStates = new Gauge({
      name: 'user_reshard_logical_shards',
      help: 'Logical shards of the current (or last) reshard job, by state.',
      labelNames: ['state'],
      registers: [context.metrics],
    });
    this.fenceSeconds = new Histogram({
      name: 'user_reshard_fence_seconds',
      help: 'How long writes to a moving logical shard were fenced during its cutover.',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [context.metrics],
    });
  }

  /** Picks up a job left unfinished by a crashed instance (this one, restarted, or another). */
  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.takeOver(), this.config.USER_RESHARD_LEASE_MS / 2);
    this.timer.unref();
    void this.takeOver();
  }

  async start(request: ReshardRequest): Promise<ReshardJob> {
    await this.maps.refresh();
    const map = this.maps.map;
    if (!this.shards.has(request.target))
      throw new InvalidReshardError(
        `target ${request.target} is not one of this service's shard databases (USER_SHARD_URLS): ${this.shards.names().join(', ')}`,
      );
    if (request.source === request.target)
      throw new InvalidReshardError('source and target are the same shard');
    const target = this.targetShard(map, request.target);
    let moves: readonly number[];
    let source: string;
    try {
      const plan = planDoubling(map, target, request.source);
      moves = plan.moves.slice(0, request.limit ?? plan.moves.length);
      source = plan.source.name;
    } catch (error) {
      throw new InvalidReshardError((error as Error).message);
    }
    const id = `rs-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    let epoch = 0n;
    await this.catalog.query(async (pool) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const running = await client.query<{ id: string }>(
          "SELECT id FROM reshard_jobs WHERE state = 'running' FOR UPDATE",
        );
        if (running.rows[0]) throw new ReshardConflictError(running.rows[0].id);
        const { rows: claimed } = await client.query<{ epoch: bigint }>(
          `INSERT INTO reshard_jobs (id, source, target, state, owner, lease_until, epoch)
           VALUES ($1, $2, $3, 'running', $4, now() + make_interval(secs => $5::double precision / 1000),
                   nextval('reshard_epochs'))
           RETURNING epoch`,
          [id, source, request.target, this.context.instanceId, this.config.USER_RESHARD_LEASE_MS],
        );
        epoch = claimed[0]!.epoch;
        await client.query(
          `INSERT INTO reshard_moves (job_id, logical_shard, state)
           SELECT $1, logical, 'stable' FROM unnest($2::int[]) AS logical`,
          [id, moves],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        if ((error as { code?: string }).code === '23505') {
          const { rows } = await pool.query<{ id: string }>(
            "SELECT id FROM reshard_jobs WHERE state = 'running'",
          );
          throw new ReshardConflictError(rows[0]?.id ?? 'another');
        }
        throw error;
      } finally {
        client.release();
      }
    });
    this.context.logger.info(
      { job: id, source, target: request.target, moves: moves.length },
      'reshard job started',
    );
    this.launch(id, epoch);
    return this.job(id);
  }

  async job(id: string): Promise<ReshardJob> {
    const { rows } = await this.catalog.query((pool) =>
      pool.query<JobRow>('SELECT * FROM reshard_jobs WHERE id = $1', [id]),
    );
    const job = rows[0];
    if (!job) throw new ReshardJobNotFoundError(id);
    const moves = await this.catalog.query((pool) =>
      pool.query<{
        logical_shard: number;
        state: MoveState;
        copied: number;
        caught_up: number;
        fenced_at: Date | null;
        fence_ms: number | null;
      }>(
        `SELECT logical_shard, state, copied, caught_up, fenced_at, fence_ms FROM reshard_moves
         WHERE job_id = $1 ORDER BY logical_shard`,
        [id],
      ),
    );
    const counts = Object.fromEntries(MOVE_STATES.map((state) => [state, 0])) as Record<MoveState, number>;
    for (const move of moves.rows) counts[move.state]++;
    return {
      id: job.id,
      source: job.source,
      target: job.target,
      state: job.state,
      owner: job.owner,
      error: job.error,
      createdAt: job.created_at.toISOString(),
      finishedAt: job.finished_at?.toISOString() ?? null,
      counts,
      moves: moves.rows.map((m) => ({
        logicalShard: m.logical_shard,
        state: m.state,
        copied: m.copied,
        caughtUp: m.caught_up,
        fencedAt: m.fenced_at?.toISOString() ?? null,
        fenceMs: m.fence_ms,
      })),
    };
  }

  /** Claims a running job whose lease lapsed (or that this instance owned before a restart). */
  private async takeOver(): Promise<void> {
    if (this.running || this.stopping) return;
    try {
      const { rows } = await this.catalog.query((pool) =>
        pool.query<{ id: string; owner: string | null; epoch: bigint }>(
          `UPDATE reshard_jobs j SET owner = $1, epoch = nextval('reshard_epochs'),
             lease_until = now() + make_interval(secs => $2::double precision / 1000), updated_at = now()
           FROM (SELECT id, owner FROM reshard_jobs WHERE state = 'running' FOR UPDATE) previous
           WHERE j.id = previous.id AND (j.lease_until < now() OR j.owner = $1)
           RETURNING j.id, previous.owner, j.epoch`,
          [this.context.instanceId, this.config.USER_RESHARD_LEASE_MS],
        ),
      );
      if (!rows[0] || this.running) return;
      this.context.logger.warn(
        { job: rows[0].id, previousOwner: rows[0].owner },
        'taking over an unfinished reshard job',
      );
      this.launch(rows[0].id, rows[0].epoch);
    } catch (error) {
      this.context.logger.debug({ err: error }, 'could not look for an unfinished reshard job');
    }
  }

  private launch(id: string, epoch: bigint): void {
    const lease = new JobLease(
      (work) => this.catalog.query(work),
      id,
      epoch,
      this.context.instanceId,
      this.config.USER_RESHARD_LEASE_MS,
    );
    this.running = this.run(lease)
      .catch((error: unknown) => {
        if (!(error instanceof JobLostError)) throw error;
        this.context.logger.warn({ job: id, epoch: String(epoch) }, error.message);
      })
      .finally(() => (this.running = undefined));
  }

  private async run(lease: JobLease): Promise<void> {
    const id = lease.jobId;
    const renew = setInterval(
      () => void lease.renew().catch(() => undefined),
      this.config.USER_RESHARD_LEASE_MS / 3,
    );
    try {
      for (;;) {
        if (this.stopping) return;
        if (lease.lost) throw new JobLostError(id);
        const job = await this.job(id);
        this.publishCounts(job);
        const next = job.moves.find((move) => move.state !== 'done');
        if (!next) break;
        try {
          await this.move(lease, job, next);
        } catch (error) {
          if (this.stopping) return;
          if (error instanceof JobLostError || lease.lost) throw new JobLostError(id);
          this.context.logger.warn(
            { job: id, logicalShard: next.logicalShard, err: error },
            'a logical shard move failed; it is retried from its last recorded step',
          );
          await lease
            .fenced((client) =>
              client.query('UPDATE reshard_jobs SET error = $2, updated_at = now() WHERE id = $1', [
                id,
                (error as Error).message,
              ]),
            )
            .catch(() => undefined);
          await sleep(1_000);
        }
      }
      await lease.fenced((client) =>
        client.query(
          "UPDATE reshard_jobs SET state = 'done', error = NULL, finished_at = now(), updated_at = now() WHERE id = $1",
          [id],
        ),
      );
      this.publishCounts(await this.job(id));
      this.context.logger.info({ job: id }, 'reshard job done');
    } finally {
      clearInterval(renew);
    }
  }

  private publishCounts(job: ReshardJob): void {
    for (const state of MOVE_STATES) this.moveStates.set({ state }, job.counts[state]);
  }

  private async setState(
    lease: JobLease,
    logical: number,
    state: MoveState,
    counts?: Partial<ReshardMove>,
  ): Promise<void> {
    await lease.fenced((client) =>
      client.query(
        `UPDATE reshard_moves SET state = $3,
           copied = coalesce($4, copied), caught_up = coalesce($5, caught_up),
           started_at = coalesce(started_at, now()),
           finished_at = CASE WHEN $3 = 'done' THEN now() ELSE NULL END
         WHERE job_id = $1 AND logical_shard = $2`,
        [lease.jobId, logical, state, counts?.copied ?? null, counts?.caughtUp ?? null],
      ),
    );
  }

  /** Moves one logical shard from the step it had reached. */
  private async move(lease: JobLease, job: ReshardJob, move: ReshardMove): Promise<void> {
    const logical = move.logicalShard;
    const run: MoveRun = { job, lease, target: new TargetFence(lease) };
    await this.maps.refresh();
    const flipped = this.maps.map.physicalOf(logical).name === job.target;
    // Changes are replayed from the first one captured in every attempt: one that crashed may have
    // replayed some and not others. Replaying a change twice is harmless (the row is read again).
    const replay = { after: 0n };
    // From here on the target takes this move's writes from this owner only, whichever step it
    // resumes at (a take-over claims anew, and the older owner's writes are refused).
    await this.onShard(job.target, (pool) => run.target.claim(pool, logical));
    if (!flipped && move.state !== 'cutover') {
      await this.copy(run, logical);
      await pausePoint(this.config, 'reshard-copied');
      await this.catchUp(run, logical, replay, false);
      await pausePoint(this.config, 'reshard-caught-up');
    }
    await this.cutover(run, logical, replay, flipped);
  }

  /** Captures changes from now on, then copies a snapshot of the logical shard to the target. */
  private async copy({ job, lease, target }: MoveRun, logical: number): Promise<void> {
    await this.setState(lease, logical, 'copying', { copied: 0, caughtUp: 0 });
    // Waits for writes in flight on this logical shard: every later write is captured.
    await this.onShard(job.source, (pool) =>
      pool.query('UPDATE owned_shards SET capturing = true WHERE logical_shard = $1', [logical]),
    );
    // Rows left by an earlier attempt: the copy starts over.
    await this.onShard(job.target, (pool) =>
      target.write(pool, logical, (client) =>
        client.query('DELETE FROM users WHERE logical_shard = $1', [logical]),
      ),
    );
    let after = -1n;
    let copied = 0;
    for (;;) {
      const { rows } = await this.onShard(job.source, (pool) =>
        pool.query<UserCopyRow>(
          `SELECT id, logical_shard, email, name, created_at, updated_at FROM users
           WHERE logical_shard = $1 AND id > $2 ORDER BY id LIMIT $3`,
          [logical, after, COPY_BATCH],
        ),
      );
      if (rows.length === 0) break;
      await pausePoint(this.config, 'reshard-copy-batch-read');
      await this.onShard(job.target, (pool) =>
        target.write(pool, logical, (client) => upsertUsers(client, rows)),
      );
      copied += rows.length;
      after = rows.at(-1)!.id;
      await this.setState(lease, logical, 'copying', { copied });
      crashPoint(this.config, 'reshard-copying');
    }
  }

  /**
   * Replays changes captured on the source onto the target: each changed user is read again and
   * written (or deleted) on the target. Before the fence it stops when little is left; behind the
   * fence (`final`) it runs until nothing is.
   *
   * Behind the fence it replays every change captured in this move, not only those after the last
   * one read: seqs are taken when a write starts but become visible when it commits, so a slow
   * writer's change can appear below the point an earlier round read up to (a two-phase write, a
   * writer paused by GC). Behind the fence every write has committed and none starts, so one full
   * pass makes each changed user on the target equal to the source
   * (test/integration/reshard-interleaving.spec.ts forces that order).
   */
  private async catchUp(
    { job, lease, target }: MoveRun,
    logical: number,
    replay: { after: bigint },
    final: boolean,
  ): Promise<void> {
    if (final) replay.after = 0n;
    else await this.setState(lease, logical, 'catching-up');
    let replayed = 0;
    for (let round = 0; ; round++) {
      const { rows: changes } = await this.onShard(job.source, (pool) =>
        pool.query<{ seq: bigint; user_id: bigint }>(
          `SELECT seq, user_id FROM user_changes WHERE logical_shard = $1 AND seq > $2 ORDER BY seq LIMIT 5000`,
          [logical, replay.after],
        ),
      );
      if (changes.length > 0) replay.after = changes.at(-1)!.seq;
      const ids = [...new Set(changes.map((c) => c.user_id))];
      if (ids.length > 0) {
        const { rows } = await this.onShard(job.source, (pool) =>
          pool.query<UserCopyRow>(
            'SELECT id, logical_shard, email, name, created_at, updated_at FROM users WHERE id = ANY($1::bigint[])',
            [ids],
          ),
        );
        const present = new Set(rows.map((row) => row.id));
        const gone = ids.filter((id) => !present.has(id));
        await this.onShard(job.target, (pool) =>
          target.write(pool, logical, async (client) => {
            await upsertUsers(client, rows);
            if (gone.length > 0) await client.query('DELETE FROM users WHERE id = ANY($1::bigint[])', [gone]);
          }),
        );
        replayed += ids.length;
      }
      if (final ? changes.length === 0 : changes.length < CATCH_UP_ENOUGH || round >= MAX_CATCH_UP_ROUNDS)
        break;
    }
    await lease.fenced((client) =>
      client.query(
        'UPDATE reshard_moves SET caught_up = caught_up + $3 WHERE job_id = $1 AND logical_shard = $2',
        [job.id, logical, replayed],
      ),
    );
  }

  /**
   * Fences writes on the source, replays the last changes, gives the target ownership at the next
   * map version, publishes that map, then drops the source's ownership and copy. Redone from the
   * top after a crash unless the catalog already has the new map (`flipped`). The map is written only
   * while this instance's claim on the job holds, in the same catalog transaction: an owner paused
   * past its lease cannot flip a logical shard whose move another owner has taken over.
   */
  private async cutover(
    run: MoveRun,
    logical: number,
    replay: { after: bigint },
    flipped: boolean,
  ): Promise<void> {
    const { job, lease, target } = run;
    await this.setState(lease, logical, 'cutover');
    let fencedAt: number | undefined;
    if (!flipped) {
      fencedAt = performance.now();
      await this.onShard(job.source, (pool) =>
        withClient(pool, async (client) => {
          await client.query(`SET lock_timeout = '${FENCE_LOCK_TIMEOUT}'`);
          await client.query('UPDATE owned_shards SET fenced = true WHERE logical_shard = $1', [logical]);
        }),
      );
      crashPoint(this.config, 'reshard-cutover');
      await this.catchUp(run, logical, replay, true);
      const current = this.maps.map;
      const next = current.move([logical], this.targetShard(current, job.target));
      await this.onShard(job.target, (pool) =>
        target.write(pool, logical, (client) =>
          client.query(
            `INSERT INTO owned_shards (logical_shard, map_version) VALUES ($1, $2)
             ON CONFLICT (logical_shard) DO UPDATE SET map_version = $2, fenced = false, capturing = false`,
            [logical, next.version],
          ),
        ),
      );
      try {
        await lease.fenced((client) =>
          insertShardMap(
            client,
            next,
            `reshard ${job.id}: logical shard ${logical} ${job.source} -> ${job.target}`,
          ),
        );
      } catch (error) {
        // Only one job runs at a time, and only its owner writes maps: a newer map is this job's own,
        // written before a crash.
        if (!(error instanceof MapVersionConflictError)) throw error;
      }
      await this.maps.refresh();
      if (this.maps.map.physicalOf(logical).name !== job.target)
        throw new Error(`the catalog's map does not place logical shard ${logical} on ${job.target}`);
      await this.maps
        .announce(this.maps.map.version)
        .catch((error: unknown) =>
          this.context.logger.warn(
            { err: error },
            'could not announce the new shard map; routers will poll it',
          ),
        );
    }
    // Stale routers are refused from here on, refresh and find the target.
    await this.onShard(job.source, (pool) =>
      pool.query('DELETE FROM owned_shards WHERE logical_shard = $1', [logical]),
    );
    await this.onShard(job.target, (pool) => target.release(pool, logical));
    if (fencedAt !== undefined) {
      const fenceMs = performance.now() - fencedAt;
      this.fenceSeconds.observe(fenceMs / 1000);
      await lease.fenced((client) =>
        client.query(
          `UPDATE reshard_moves
           SET fence_ms = $3::float8, fenced_at = clock_timestamp() - make_interval(secs => $3::float8 / 1000)
           WHERE job_id = $1 AND logical_shard = $2`,
          [job.id, logical, fenceMs],
        ),
      );
    }
    await this.onShard(job.source, async (pool) => {
      await pool.query('DELETE FROM users WHERE logical_shard = $1', [logical]);
      await pool.query('DELETE FROM user_changes WHERE logical_shard = $1', [logical]);
    });
    await this.setState(lease, logical, 'done');
  }

  /** The shard called `name` in `map`, or a new one with the next id if the map does not have it. */
  private targetShard(map: ShardMap, name: string) {
    return (
      map.shards.find((shard) => shard.name === name) ?? {
        id: Math.max(...map.shards.map((s) => s.id)) + 1,
        name,
      }
    );
  }

  /** Beside the shard server's breaker: a copy taking seconds must not open it for every read. */
  private onShard<T>(name: string, work: (pool: Pool) => Promise<T>): Promise<T> {
    return this.shards.beside(name, work);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}

async function withClient<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await fn(client);
  } finally {
    client.release(true); // its session settings (lock_timeout) must not be reused
  }
}

async function upsertUsers(client: PoolClient, rows: readonly UserCopyRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO users (id, logical_shard, email, name, created_at, updated_at)
     SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[])
     ON CONFLICT (id) DO UPDATE SET email = excluded.email, name = excluded.name, updated_at = excluded.updated_at`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.logical_shard),
      rows.map((r) => r.email),
      rows.map((r) => r.name),
      rows.map((r) => r.created_at),
      rows.map((r) => r.updated_at),
    ],
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
