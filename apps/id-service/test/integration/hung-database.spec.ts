import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { createPool, migrate, type Pool } from '@platform/postgres';
import {
  createTestDatabase,
  eventually,
  startFreezableProxy,
  TestServices,
  uniqueTopic,
  type FreezableProxy,
  type TestDatabase,
} from '@platform/testing';

import { migrations } from '../../src/leases/migrations.js';
import { idService, issueIds, type IdServiceInstance } from '../id-service.harness.js';

// The coordinator database hangs (SIGSTOP: TCP connects, nothing answers). The id-service talks to
// it through a proxy that freezes; the test looks at the real database directly.

const TTL_MS = 6_000;

describe('id-service with a hung database', () => {
  const services = new TestServices();
  let database: TestDatabase;
  let direct: Pool;
  let proxy: FreezableProxy;
  let instance: IdServiceInstance;

  beforeAll(async () => {
    database = await createTestDatabase('id_service_hung');
    direct = createPool({ connectionString: database.url, applicationName: 'hung-database.spec', max: 2 });
    await migrate(direct, migrations);
    const server = new URL(database.url);
    proxy = await startFreezableProxy({ host: server.hostname, port: Number(server.port) });
    const proxied = new URL(database.url);
    proxied.hostname = proxy.host;
    proxied.port = String(proxy.port);
    instance = await services.start(
      idService({
        registryTopic: uniqueTopic('id-service-hung'),
        instanceId: 'id-service-hung',
        databaseUrl: proxied.toString(),
        env: { WORKER_LEASE_TTL_MS: String(TTL_MS) },
      }),
    );
  });

  afterAll(async () => {
    proxy.thaw();
    await services.stopAll();
    await proxy.close();
    await direct.end();
    await database.drop();
  });

  function report(line: string): void {
    process.stdout.write(`  [measured] ${line}\n`);
  }

  /** Milliseconds until worker 0's lease expires in the database (negative once it has). */
  async function leaseLeftMs(): Promise<number> {
    const { rows } = await direct.query<{ left_ms: string }>(
      `SELECT extract(epoch FROM expires_at - clock_timestamp()) * 1000 AS left_ms
         FROM worker_leases WHERE datacenter_id = 0 AND worker_id = 0`,
    );
    return Number(rows[0]!.left_ms);
  }

  it('answers 503 database_unavailable for what needs the database, keeps issuing what does not, and recovers', async () => {
    expect((await issueIds(instance, 'instagram', '?shard=7&count=5')).status).toBe(200);
    expect((await issueIds(instance, 'snowflake')).status).toBe(200);

    proxy.freeze();
    const frozenAt = performance.now();

    // Instagram ids take their sequence from PostgreSQL: a prompt 503 the gateway does not hold
    // against this instance, not a 500 and not a hang.
    const started = performance.now();
    const instagram = await issueIds(instance, 'instagram', '?shard=7&count=5');
    const instagramMs = performance.now() - started;
    report(`instagram id with a frozen database: ${instagram.status} after ${instagramMs.toFixed(0)} ms`);
    expect(instagram.status).toBe(503);
    expect(instagram.body.error.code).toBe('database_unavailable');
    expect(instagram.headers.get('x-failure-origin')).toBe('dependency');
    expect(instagram.headers.get('retry-after')).toBe('1');
    expect(instagramMs).toBeLessThan(8_000);

    // ULID, UUIDv7 and ObjectId need no database at all.
    for (const kind of ['ulid', 'uuidv7', 'objectid']) {
      const t0 = performance.now();
      const response = await issueIds(instance, kind, '?count=3');
      expect(response.status).toBe(200);
      expect(response.body.ids).toHaveLength(3);
      expect(performance.now() - t0).toBeLessThan(1_000);
    }

    // Snowflake ids need a worker-id lease the database confirmed: they go on while the last
    // confirmed renewal still covers them, and stop before the lease could expire in the database.
    const refused = await eventually(
      async () => {
        const response = await issueIds(instance, 'snowflake');
        expect(response.status).toBe(503);
        return response;
      },
      { timeoutMs: TTL_MS * 2, intervalMs: 100 },
    );
    const leaseLeft = await leaseLeftMs();
    report(
      `snowflake ids stopped ${(performance.now() - frozenAt).toFixed(0)} ms after the freeze ` +
        `(TTL ${TTL_MS} ms), ${leaseLeft.toFixed(0)} ms before the lease could expire in the database`,
    );
    expect(leaseLeft).toBeGreaterThan(0);
    expect(refused.body.error.code).toBe('worker_lease_lost');
    expect(refused.headers.get('x-failure-origin')).toBe('dependency');

    proxy.thaw();
    const thawedAt = performance.now();
    await eventually(
      async () => expect((await issueIds(instance, 'instagram', '?shard=7')).status).toBe(200),
      {
        timeoutMs: 10_000,
      },
    );
    await eventually(async () => expect((await issueIds(instance, 'snowflake')).status).toBe(200), {
      timeoutMs: TTL_MS * 2,
      intervalMs: 100,
    });
    report(
      `snowflake and instagram ids again ${(performance.now() - thawedAt).toFixed(0)} ms after the thaw`,
    );
  });
});
