import { withTransaction, type Pool, type PoolClient } from '@platform/postgres';

/** Another instance owns the job now (this one's lease lapsed and it was claimed): stop working on it. */
export class JobLostError extends Error {
  constructor(readonly jobId: string) {
    super(`reshard job ${jobId} is owned by another instance now (this one's lease lapsed); leaving it`);
  }
}

/** Runs catalog work through the catalog's breaker (Catalog.query). */
export type CatalogQuery = <T>(work: (pool: Pool) => Promise<T>) => Promise<T>;

/**
 * This instance's claim on a reshard job: the job id and its fencing token, `epoch`, a new value of
 * the catalog sequence `reshard_epochs` at every claim (start or take-over). The lease is renewed
 * while the job runs, but a process paused past it (GC, SIGSTOP, a hung host) wakes up believing it
 * still owns the job: so every catalog write of the job goes through {@link fenced}, which refuses it
 * once a newer claim exists, and the target shard checks the same token ({@link TargetFence}).
 */
export class JobLease {
  private lostJob = false;

  constructor(
    private readonly query: CatalogQuery,
    readonly jobId: string,
    readonly epoch: bigint,
    private readonly owner: string,
    private readonly leaseMs: number,
  ) {}

  /** True once this instance learnt that another one claimed the job. */
  get lost(): boolean {
    return this.lostJob;
  }

  /** Extends the lease while the claim is still this one; false once it is not. */
  async renew(): Promise<boolean> {
    const { rowCount } = await this.query((pool) =>
      pool.query(
        `UPDATE reshard_jobs SET lease_until = now() + make_interval(secs => $4::double precision / 1000),
           updated_at = now()
         WHERE id = $1 AND owner = $2 AND epoch = $3`,
        [this.jobId, this.owner, this.epoch, this.leaseMs],
      ),
    );
    if (rowCount === 0) this.lostJob = true;
    return !this.lostJob;
  }

  /**
   * Runs `work` in a catalog transaction that first holds the job row and checks the claim is still
   * this one (a take-over waits for it, and refuses it afterwards); throws {@link JobLostError} if not.
   */
  fenced<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.query((pool) =>
      withTransaction(pool, async (client) => {
        const { rows } = await client.query<{ epoch: bigint }>(
          'SELECT epoch FROM reshard_jobs WHERE id = $1 FOR SHARE',
          [this.jobId],
        );
        if (rows[0]?.epoch !== this.epoch) {
          this.lostJob = true;
          throw new JobLostError(this.jobId);
        }
        return work(client);
      }),
    );
  }
}
