import { expect } from '@jest/globals';

import type { Pool, PoolClient } from '@platform/postgres';
import { eventually } from '@platform/testing';

import type { PausePoint } from '../src/config/env.schema.js';
import { PAUSE_LOCK_SQL } from '../src/shards/pause-points.js';

/**
 * Holds user-service's pause points (USER_PAUSE_POINTS) from a test: a session of its own on the
 * catalog takes each point's advisory lock, so a reshard that reaches the point waits there until
 * the test has made the interleaving it wants and lets it go (src/shards/pause-points.ts).
 */
export class PausePointHolder {
  private constructor(
    private readonly catalog: Pool,
    private readonly session: PoolClient,
  ) {}

  static async open(catalog: Pool): Promise<PausePointHolder> {
    return new PausePointHolder(catalog, await catalog.connect());
  }

  async hold(point: PausePoint): Promise<void> {
    await this.session.query(`SELECT pg_advisory_lock(${PAUSE_LOCK_SQL})`, [point]);
  }

  async release(point: PausePoint): Promise<void> {
    await this.session.query(`SELECT pg_advisory_unlock(${PAUSE_LOCK_SQL})`, [point]);
  }

  /** Resolves once a process waits at `point`: its lock request is in pg_locks, not granted. */
  async waitsAt(point: PausePoint): Promise<void> {
    await eventually(
      async () => {
        const { rows } = await this.catalog.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a USING (pid)
           WHERE l.locktype = 'advisory' AND NOT l.granted AND a.application_name = $1`,
          [`user-service pause point ${point}`],
        );
        expect(rows[0]!.n).toBe(1);
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    );
  }

  /** Ends the session, which lets go of every point still held. */
  close(): void {
    this.session.release(true);
  }
}
