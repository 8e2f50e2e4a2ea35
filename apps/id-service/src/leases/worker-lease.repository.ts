import { Inject, Injectable } from '@nestjs/common';

import {
  PG_POOL,
  rethrowUnreachable,
  type Pool,
  type QueryResult,
  type QueryResultRow,
} from '@platform/postgres';

export interface LeaseRow {
  readonly workerId: number;
  readonly token: bigint;
  /** Ids must be issued only after this wall-clock ms (the previous holder's fence). */
  readonly notBeforeMs: number;
}

/**
 * The lease table: who holds which (datacenter, worker) pair, until when. Times are the database's
 * `clock_timestamp()`, not `now()`: `now()` is when the statement's transaction began, so a renewal
 * that waited on a lock past the lease's expiry would still find it valid and bring it back.
 * A database that cannot answer in time surfaces as DatabaseUnavailableError.
 */
@Injectable()
export class WorkerLeaseRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  private query<R extends QueryResultRow>(text: string, values: unknown[]): Promise<QueryResult<R>> {
    return this.pool.query<R>(text, values).catch(rethrowUnreachable);
  }

  /**
   * Takes the lowest worker id in `datacenterId` that is free or whose lease expired, recording
   * `fenceMs` at once (so a holder that dies before its first renewal still leaves a fence), and
   * returns the fence the previous holder left. Returns undefined when another instance won the race
   * for the id chosen, 'all_taken' when every id is held.
   */
  async tryAcquire(
    datacenterId: number,
    maxWorkerId: number,
    holder: string,
    ttlMs: number,
    fenceMs: number,
  ): Promise<LeaseRow | 'all_taken' | undefined> {
    const { rows } = await this.query<{ worker_id: number; token: bigint; fence_ms: bigint }>(
      `WITH candidate AS (
         SELECT g AS worker_id, coalesce(l.fence_ms, 0) AS previous_fence_ms
           FROM generate_series(0, $2::int) AS g
           LEFT JOIN worker_leases l ON l.datacenter_id = $1 AND l.worker_id = g
          WHERE l.worker_id IS NULL OR l.expires_at < clock_timestamp()
          ORDER BY g
          LIMIT 1
       ), taken AS (
         INSERT INTO worker_leases AS w (datacenter_id, worker_id, holder, token, expires_at, fence_ms)
         SELECT $1, worker_id, $3, 1, clock_timestamp() + make_interval(secs => $4::double precision / 1000), $5
           FROM candidate
         ON CONFLICT (datacenter_id, worker_id) DO UPDATE
            SET holder = EXCLUDED.holder, token = w.token + 1, expires_at = EXCLUDED.expires_at,
                fence_ms = GREATEST(w.fence_ms, EXCLUDED.fence_ms)
          WHERE w.expires_at < clock_timestamp()
         RETURNING worker_id, token
       )
       SELECT taken.worker_id, taken.token, candidate.previous_fence_ms AS fence_ms
         FROM taken JOIN candidate USING (worker_id)`,
      [datacenterId, maxWorkerId, holder, ttlMs, fenceMs],
    );
    const row = rows[0];
    if (row) return { workerId: row.worker_id, token: row.token, notBeforeMs: Number(row.fence_ms) };
    const { rows: free } = await this.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM generate_series(0, $2::int) AS g
         LEFT JOIN worker_leases l ON l.datacenter_id = $1 AND l.worker_id = g
        WHERE l.worker_id IS NULL OR l.expires_at < clock_timestamp()`,
      [datacenterId, maxWorkerId],
    );
    return free[0]?.n === 0 ? 'all_taken' : undefined;
  }

  /** Extends the lease if this holder (and token) still has it. False when it was lost. */
  async renew(
    datacenterId: number,
    workerId: number,
    holder: string,
    token: bigint,
    ttlMs: number,
    fenceMs: number,
  ): Promise<boolean> {
    const { rowCount } = await this.query(
      `UPDATE worker_leases
          SET expires_at = clock_timestamp() + make_interval(secs => $5::double precision / 1000),
              fence_ms = GREATEST(fence_ms, $6)
        WHERE datacenter_id = $1 AND worker_id = $2 AND holder = $3 AND token = $4 AND expires_at > clock_timestamp()`,
      [datacenterId, workerId, holder, token, ttlMs, fenceMs],
    );
    return rowCount === 1;
  }

  /**
   * Gives the pair back at once. `fenceMs` replaces the fence the renewals recorded (which assumed
   * this holder might issue until its lease ran out): the holder has stopped, so the next one need
   * only start after the last ms ids were really issued in (or the fence this holder started after).
   */
  async release(
    datacenterId: number,
    workerId: number,
    holder: string,
    token: bigint,
    fenceMs: number,
  ): Promise<void> {
    await this.query(
      `UPDATE worker_leases SET expires_at = clock_timestamp() - interval '1 millisecond', fence_ms = $5
        WHERE datacenter_id = $1 AND worker_id = $2 AND holder = $3 AND token = $4`,
      [datacenterId, workerId, holder, token, fenceMs],
    );
  }
}
