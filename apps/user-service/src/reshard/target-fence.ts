import { withTransaction, type Pool, type PoolClient } from '@platform/postgres';

import { JobLostError, type JobLease } from './job-lease.js';

/**
 * The target shard's side of a job's fencing token: `incoming_shards` holds, per logical shard being
 * copied there, the token of the owner copying it. An owner records its token before its first write
 * (a newer one replaces an older one, never the reverse), and every write of the move checks it in the
 * same transaction, holding the row: an owner paused past its lease, once another has taken the move
 * over, writes nothing more to the target — not a stale copy batch, not a stale replay.
 */
export class TargetFence {
  constructor(private readonly lease: JobLease) {}

  /** Records this owner's token for `logical` on the target; throws if a newer owner holds it. */
  async claim(pool: Pool, logical: number): Promise<void> {
    const { rowCount } = await pool.query(
      `INSERT INTO incoming_shards (logical_shard, epoch) VALUES ($1, $2)
       ON CONFLICT (logical_shard) DO UPDATE SET epoch = EXCLUDED.epoch
       WHERE incoming_shards.epoch <= EXCLUDED.epoch`,
      [logical, this.lease.epoch],
    );
    if (rowCount === 0) throw new JobLostError(this.lease.jobId);
  }

  /** Runs `work` on the target only while this owner's token holds `logical` there. */
  write<T>(pool: Pool, logical: number, work: (client: PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(pool, async (client) => {
      const { rows } = await client.query<{ epoch: bigint }>(
        'SELECT epoch FROM incoming_shards WHERE logical_shard = $1 FOR SHARE',
        [logical],
      );
      if (rows[0]?.epoch !== this.lease.epoch) throw new JobLostError(this.lease.jobId);
      return work(client);
    });
  }

  /** The move is done: the target owns the logical shard, nothing is incoming any more. */
  async release(pool: Pool, logical: number): Promise<void> {
    await pool.query('DELETE FROM incoming_shards WHERE logical_shard = $1 AND epoch = $2', [
      logical,
      this.lease.epoch,
    ]);
  }
}
