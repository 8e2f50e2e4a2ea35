import { afterAll, describe, expect, it } from '@jest/globals';

import { decodeSnowflake } from '@platform/ids';
import { createPool, migrate, type Pool } from '@platform/postgres';
import type { ErrorBody } from '@platform/service-kit';
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
import { idService, type IdServiceInstance, type WorkerLeaseHealth } from '../id-service.harness.js';

interface IssuedIds {
  readonly ids: string[];
}

function issue(instance: IdServiceInstance, count = 1) {
  return requestJson<IssuedIds & ErrorBody>(`${instance.url}/ids/snowflake?count=${count}`, {
    method: 'POST',
  });
}

async function workerIdOf(instance: IdServiceInstance): Promise<number | undefined> {
  const { body } = await requestJson<WorkerLeaseHealth>(`${instance.url}/health/ready`);
  return body.info?.['worker-lease']?.workerId;
}

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

  /** Leases worker ids `from`..31 of datacenter 0 to a live holder that is not an id-service under test. */
  async function leaseToOthers(pool: Pool, from: number): Promise<void> {
    await pool.query(
      `INSERT INTO worker_leases (datacenter_id, worker_id, holder, token, expires_at)
       SELECT 0, g, 'someone-else-' || g, 1, now() + interval '1 hour' FROM generate_series($1::int, 31) AS g`,
      [from],
    );
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
    // Let it renew the lease (every third of the TTL), as any instance that ran a while has: a
    // renewal records a fence for the next holder.
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
});
