import { afterAll, describe, expect, it } from '@jest/globals';

import { decodeSnowflake } from '@platform/ids';
import { createPool, migrate, type Pool } from '@platform/postgres';
import {
  createTestDatabase,
  eventually,
  requestJson,
  TestServices,
  uniqueTopic,
  type TestDatabase,
} from '@platform/testing';

import { migrations } from '../../src/leases/migrations.js';
import { WorkerLeaseService } from '../../src/leases/worker-lease.service.js';
import { idService, issueIds, workerIdOf, type WorkerLeaseHealth } from '../id-service.harness.js';

const issue = (instance: { readonly url: string }, count = 1) =>
  issueIds(instance, 'snowflake', `?count=${count}`);

describe(WorkerLeaseService.name, () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('id-service-leases');
  const databases: TestDatabase[] = [];
  const pools: Pool[] = [];

  /** A fresh coordinator database with the lease table, and a pool to look into it. */
  async function coordinator(): Promise<{ url: string; pool: Pool }> {
    const database = await createTestDatabase('id_service_leases');
    databases.push(database);
    const pool = createPool({ connectionString: database.url, applicationName: 'worker-lease.spec' });
    pools.push(pool);
    await migrate(pool, migrations);
    return { url: database.url, pool };
  }

  /** Leases worker ids `from`..`to` of datacenter 0 to a live holder that is not an id-service under test. */
  async function leaseToOthers(pool: Pool, from: number, to = 31): Promise<void> {
    await pool.query(
      `INSERT INTO worker_leases (datacenter_id, worker_id, holder, token, expires_at)
       SELECT 0, g, 'someone-else-' || g, 1, now() + interval '1 hour' FROM generate_series($1::int, $2::int) AS g`,
      [from, to],
    );
  }

  /** Milliseconds until worker 0's lease expires in the database (negative once it has). */
  async function leaseLeftMs(pool: Pool): Promise<number> {
    const { rows } = await pool.query<{ left_ms: string }>(
      `SELECT extract(epoch FROM expires_at - now()) * 1000 AS left_ms
         FROM worker_leases WHERE datacenter_id = 0 AND worker_id = 0`,
    );
    return Number(rows[0]!.left_ms);
  }

  afterAll(async () => {
    await services.stopAll();
    await Promise.allSettled(pools.map((pool) => pool.end()));
    await Promise.allSettled(databases.map((database) => database.drop()));
  });

  it('releases its lease on graceful shutdown, so a new instance takes worker 0 at once and issues above the old ids', async () => {
    const { url, pool } = await coordinator();
    // Without the release, worker 0 would stay taken for the whole TTL.
    const env = { WORKER_LEASE_TTL_MS: '6000' };
    const first = await services.start(
      idService({ registryTopic, instanceId: 'lease-release-1', databaseUrl: url, env }),
    );
    expect(await workerIdOf(first)).toBe(0);
    const before = await issue(first, 100);
    expect(before.status).toBe(200);
    // Taking the lease and each renewal record a fence for the next holder: the last ms this one
    // may issue in before its lease runs out.
    await eventually(async () => {
      const { rows } = await pool.query<{ fence_ms: bigint }>('SELECT fence_ms FROM worker_leases');
      expect(rows[0]?.fence_ms).toBeGreaterThan(0n);
    });

    await first.shutdown('test');

    const { rows } = await pool.query<{ holder: string; expired: boolean }>(
      'SELECT holder, expires_at < now() AS expired FROM worker_leases WHERE datacenter_id = 0 AND worker_id = 0',
    );
    expect(rows).toEqual([{ holder: 'lease-release-1', expired: true }]);

    const second = await services.start(
      idService({ registryTopic, instanceId: 'lease-release-2', databaseUrl: url, env }),
    );
    expect(await workerIdOf(second)).toBe(0);
    const after = await issue(second, 100);
    expect(after.body.error).toBeUndefined();
    expect(after.status).toBe(200);
    expect(decodeSnowflake(BigInt(after.body.ids[0]!)).workerId).toBe(0);
    expect(BigInt(after.body.ids[0]!)).toBeGreaterThan(BigInt(before.body.ids.at(-1)!));
  });

  it('refuses to start when all 32 worker ids of its datacenter are leased, and says so', async () => {
    const { url, pool } = await coordinator();
    await leaseToOthers(pool, 0);

    await expect(
      services.start(idService({ registryTopic, instanceId: 'lease-full', databaseUrl: url })),
    ).rejects.toThrow('all 32 worker ids of datacenter 0 are leased by live instances');

    // What the message advises works: another datacenter has free worker ids.
    const elsewhere = await services.start(
      idService({ registryTopic, instanceId: 'lease-dc1', databaseUrl: url, env: { DATACENTER_ID: '1' } }),
    );
    const { status, body } = await issue(elsewhere);
    expect(status).toBe(200);
    expect(decodeSnowflake(BigInt(body.ids[0]!))).toMatchObject({ datacenterId: 1, workerId: 0 });
  });

  it('stops issuing within its TTL once its lease is taken over, and resumes under another worker id when one is free', async () => {
    const { url, pool } = await coordinator();
    const ttlMs = 3_000;
    const instance = await services.start(
      idService({
        registryTopic,
        instanceId: 'lease-fenced',
        databaseUrl: url,
        env: { WORKER_LEASE_TTL_MS: String(ttlMs) },
      }),
    );
    expect(await workerIdOf(instance)).toBe(0);
    expect((await issue(instance)).status).toBe(200);
    // Leave it nowhere to go, then take its worker id away, as a new holder would.
    await leaseToOthers(pool, 1);
    const stolenAt = Date.now();
    await pool.query(
      `UPDATE worker_leases SET holder = 'thief', token = token + 1, expires_at = now() + interval '1 hour'
        WHERE datacenter_id = 0 AND worker_id = 0`,
    );

    const refused = await eventually(
      async () => {
        const response = await issue(instance);
        expect(response.status).toBe(503);
        return response;
      },
      { timeoutMs: ttlMs },
    );
    expect(Date.now() - stolenAt).toBeLessThan(ttlMs);
    expect(refused.body.error.code).toBe('worker_lease_lost');
    expect(refused.headers.get('retry-after')).toBe('1');
    const ready = await requestJson<WorkerLeaseHealth>(`${instance.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body.error?.['worker-lease']?.status).toBe('down');

    await pool.query(`DELETE FROM worker_leases WHERE holder LIKE 'someone-else-%'`);
    const resumed = await eventually(
      async () => {
        const response = await issue(instance);
        expect(response.status).toBe(200);
        return response;
      },
      { timeoutMs: ttlMs * 2 },
    );
    expect(decodeSnowflake(BigInt(resumed.body.ids[0]!)).workerId).toBe(1);
  });

  it('lets exactly one of two instances racing for the last free worker id start; the other says all are taken', async () => {
    const { url, pool } = await coordinator();
    await leaseToOthers(pool, 0, 30);

    // Three races for worker 31; the winner of each shuts down (releasing it) before the next.
    for (const round of [1, 2, 3]) {
      const results = await Promise.allSettled(
        ['a', 'b'].map((side) =>
          services.start(
            idService({ registryTopic, instanceId: `lease-race-${round}${side}`, databaseUrl: url }),
          ),
        ),
      );

      const winners = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const losers = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      expect(losers[0]!.message).toContain('all 32 worker ids of datacenter 0 are leased by live instances');
      const winner = winners[0]!;
      expect(await workerIdOf(winner)).toBe(31);
      const { rows } = await pool.query<{ holder: string }>(
        'SELECT holder FROM worker_leases WHERE datacenter_id = 0 AND worker_id = 31',
      );
      expect(rows).toEqual([{ holder: winner.instanceId }]);
      expect(decodeSnowflake(BigInt((await issue(winner)).body.ids[0]!)).workerId).toBe(31);
      await winner.shutdown('next round');
    }
  });

  it('stops issuing while its lease is still valid when it cannot renew, so whoever takes the worker id next never overlaps it', async () => {
    const { url, pool } = await coordinator();
    const ttlMs = 3_000;
    const env = { WORKER_LEASE_TTL_MS: String(ttlMs) };
    const stalled = await services.start(
      idService({ registryTopic, instanceId: 'lease-stalled', databaseUrl: url, env }),
    );
    expect(await workerIdOf(stalled)).toBe(0);
    const before = await issue(stalled, 1_000);
    expect(before.status).toBe(200);
    await leaseToOthers(pool, 1);

    // Stall its renewals, as a hung coordinator would: hold its lease row's lock.
    const blocker = await pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM worker_leases WHERE datacenter_id = 0 AND worker_id = 0 FOR UPDATE');

      const refused = await eventually(
        async () => {
          const response = await issue(stalled);
          expect(response.status).toBe(503);
          return response;
        },
        { timeoutMs: ttlMs * 2 },
      );
      // Stopped with time left on its lease: nobody else could have taken worker 0 yet.
      expect(await leaseLeftMs(pool)).toBeGreaterThan(0);
      expect(refused.body.error.code).toBe('worker_lease_lost');
      expect(refused.body.error.message).toContain('holds no valid worker-id lease');

      // Once the lease has expired, another instance takes worker 0 (its claim waits for the lock).
      await eventually(async () => expect(await leaseLeftMs(pool)).toBeLessThan(0), { timeoutMs: ttlMs });
      expect((await issue(stalled)).status).toBe(503);
      const starting = services.start(
        idService({ registryTopic, instanceId: 'lease-successor', databaseUrl: url, env }),
      );
      await eventually(async () => {
        const { rows } = await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO worker_leases%'`,
        );
        expect(rows[0]!.n).toBe(1);
      });
      // Then cut the stalled instance's connection. (Let through, its renewal would still succeed:
      // PostgreSQL checked the row before it waited, and a row lock that ends in a rollback does not
      // make it look again. Harmless, since the instance has stopped, but not what is tested here.)
      await pool.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%UPDATE worker_leases%'`,
      );
      await blocker.query('ROLLBACK');
      const successor = await starting;

      expect(await workerIdOf(successor)).toBe(0);
      const after = await issue(successor, 1_000);
      expect(after.status).toBe(200);
      expect(BigInt(after.body.ids[0]!)).toBeGreaterThan(BigInt(before.body.ids.at(-1)!));
      // At its next renewal the stalled instance finds its lease gone, and every other worker id
      // taken: it stays stopped.
      await eventually(() => expect(stalled.logs.matching('lost the worker-id lease')).toHaveLength(1), {
        timeoutMs: ttlMs,
      });
      expect((await issue(stalled)).status).toBe(503);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      blocker.release();
    }
  });
});
