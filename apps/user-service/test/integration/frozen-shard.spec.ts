import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { RegistryView } from '@platform/discovery';
import { decodeInstagram } from '@platform/ids';
import { createPool, type Pool } from '@platform/postgres';
import type { ErrorBody } from '@platform/service-kit';
import { ShardMap, type ShardMapSpec } from '@platform/sharding';
import {
  createTestDatabase,
  eventually,
  requestJson,
  startFreezableProxy,
  TestServices,
  uniqueTopic,
  type FreezableProxy,
  type TestDatabase,
} from '@platform/testing';

import { idService } from '../../../id-service/test/id-service.harness.js';
import type { UserJson } from '../../src/users/user.js';
import { userService, type UserServiceInstance } from '../user-service.harness.js';

type UserResponse = UserJson & ErrorBody;

/** One read by id, as its client saw it. */
interface Read {
  readonly shard: string;
  readonly status: number;
  readonly origin: string | null;
  readonly ms: number;
}

/** A read waited for the frozen server (rather than being refused by its open breaker) past this. */
const WAITED_MS = 200;
/** Reads fired, one every READ_GAP_MS whatever became of the previous ones (clients do not queue). */
const READS = 240;
const READ_GAP_MS = 20;
/** user-service's default USER_SHARD_SLOW_CALL_MS, which this test runs with. */
const SLOW_CALL_MS = 1_000;
/**
 * The frozen server's reads that may wait: those sent before three of its calls ran past the
 * slow-call duration (one of its reads every 2 × READ_GAP_MS), with two reads to spare.
 */
const MAX_WAITED = Math.ceil((SLOW_CALL_MS + 3 * 2 * READ_GAP_MS) / (2 * READ_GAP_MS)) + 2;

/** A PostgreSQL "server" of the test's own: a freezable proxy in front of the run's PostgreSQL. */
async function serverProxy(url: string): Promise<FreezableProxy> {
  const target = new URL(url);
  return startFreezableProxy({ host: target.hostname, port: Number(target.port || 5432) });
}

function through(proxy: FreezableProxy, url: string): string {
  const via = new URL(url);
  via.hostname = proxy.host;
  via.port = String(proxy.port);
  return via.toString();
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

/**
 * Issue 16: one shard server hung (SIGSTOP, played by a proxy that stops moving bytes) must not take
 * down reads of anyone else, and its own users must get a quick 503 once its breaker has seen a few
 * slow calls. Server a holds the catalog and shard a; server b holds shard b.
 */
describe('user-service with a shard server frozen', () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('user-frozen');
  const databases: TestDatabase[] = [];
  let serverA: FreezableProxy;
  let serverB: FreezableProxy;
  let catalog: Pool;
  let users: UserServiceInstance;
  /** Each user's id by the shard database its row is on. */
  const idsOn = new Map<string, string[]>();
  let shardA: string;
  let shardB: string;

  const get = (id: string) => requestJson<UserResponse>(`${users.url}/users/${id}`);

  beforeAll(async () => {
    const [catalogDb, a, b, ids] = await Promise.all([
      createTestDatabase('frozen_catalog'),
      createTestDatabase('frozen_a'),
      createTestDatabase('frozen_b'),
      createTestDatabase('frozen_ids'),
    ]);
    databases.push(catalogDb, a, b, ids);
    [shardA, shardB] = [a.name, b.name];
    [serverA, serverB] = await Promise.all([serverProxy(a.url), serverProxy(b.url)]);
    catalog = createPool({ connectionString: catalogDb.url, applicationName: 'frozen-shard.spec' });
    await services.start(idService({ registryTopic, instanceId: 'ids-1', databaseUrl: ids.url }));
    users = await services.start(
      userService({
        registryTopic,
        instanceId: 'users-1',
        data: {
          catalogUrl: through(serverA, catalogDb.url),
          shardUrls: [through(serverA, a.url), through(serverB, b.url)],
          shardMapTopic: uniqueTopic('frozen-shard-map'),
        },
      }),
    );
    const view = users.app.get(RegistryView);
    await eventually(() => expect(view.instances('id-service')).toHaveLength(1));

    for (let i = 0; i < 40; i++) {
      const { status, body } = await requestJson<UserResponse>(`${users.url}/users`, {
        method: 'POST',
        json: { email: `frozen-${i}@example.com`, name: `user ${i}` },
      });
      expect(status).toBe(201);
      const { rows } = await catalog.query<{ spec: ShardMapSpec }>(
        'SELECT spec FROM shard_maps ORDER BY version DESC LIMIT 1',
      );
      const shard = ShardMap.create(rows[0]!.spec).physicalOf(decodeInstagram(BigInt(body.id)).shard).name;
      idsOn.set(shard, [...(idsOn.get(shard) ?? []), body.id]);
    }
    expect(idsOn.get(shardA)?.length).toBeGreaterThan(5);
    expect(idsOn.get(shardB)?.length).toBeGreaterThan(5);
  }, 180_000);

  afterAll(async () => {
    serverA?.thaw();
    serverB?.thaw();
    await services.stopAll();
    await catalog?.end();
    await Promise.allSettled([serverA?.close(), serverB?.close()]);
    await Promise.allSettled(databases.map((db) => db.drop()));
  }, 60_000);

  /** READS reads by id, alternating between the users of both shards, started READ_GAP_MS apart. */
  async function readsOfBoth(): Promise<Read[]> {
    const a = idsOn.get(shardA)!;
    const b = idsOn.get(shardB)!;
    const pending: Promise<Read>[] = [];
    for (let i = 0; i < READS; i++) {
      const [shard, ids] = i % 2 === 0 ? [shardA, a] : [shardB, b];
      const id = ids[Math.floor(i / 2) % ids.length]!;
      const started = performance.now();
      pending.push(
        get(id).then(({ status, headers }) => ({
          shard,
          status,
          origin: headers.get('x-failure-origin'),
          ms: performance.now() - started,
        })),
      );
      await new Promise((resolve) => setTimeout(resolve, READ_GAP_MS));
    }
    return Promise.all(pending);
  }

  /** Freezes `server`, reads, checks and reports what the users of each shard saw, thaws, waits for recovery. */
  async function withFrozen(server: FreezableProxy, label: string, frozenShard: string): Promise<void> {
    server.freeze();
    let reads: Read[];
    try {
      reads = await readsOfBoth();
    } finally {
      server.thaw();
    }
    const live = reads.filter((read) => read.shard !== frozenShard);
    const frozen = reads.filter((read) => read.shard === frozenShard);
    const waited = frozen.filter((read) => read.ms >= WAITED_MS);
    const refused = frozen.filter((read) => read.ms < WAITED_MS);
    const refusedMs = refused.map((read) => read.ms);
    process.stdout.write(
      `  [measured] ${label} frozen: ${live.filter((r) => r.status === 200).length}/${live.length} reads ` +
        `of the live shard served (p50 ${quantile(
          live.map((r) => r.ms),
          0.5,
        ).toFixed(1)} ms, ` +
        `p90 ${quantile(
          live.map((r) => r.ms),
          0.9,
        ).toFixed(1)} ms); frozen shard: ${waited.length} of ` +
        `${frozen.length} reads waited (longest ${Math.max(...waited.map((r) => r.ms), 0).toFixed(0)} ms), ` +
        `the others answered 503 in p50 ${quantile(refusedMs, 0.5).toFixed(1)} ms, ` +
        `p90 ${quantile(refusedMs, 0.9).toFixed(1)} ms\n`,
    );

    expect(live.filter((read) => read.status !== 200)).toEqual([]);
    expect(frozen.filter((read) => read.status !== 503 || read.origin !== 'dependency')).toEqual([]);
    // Reads started in the first slow-call duration (1 s, about 25 of them at this rate) wait for
    // the server; after that the breaker has counted them slow and refuses the rest. A breaker that
    // never opened would make every one of the 120 wait for the 2.5 s query deadline.
    expect(waited.length).toBeLessThanOrEqual(MAX_WAITED);
    expect(refused.length).toBeGreaterThanOrEqual(frozen.length - MAX_WAITED);
    // Refused before any call is sent: the bound is the machine's (2 shared cores), not the server's.
    expect(quantile(refusedMs, 0.5)).toBeLessThan(50);
    expect(quantile(refusedMs, 0.9)).toBeLessThan(250);

    // Thawed: the breaker's next probe finds the server answering, and its users are served again.
    const thawedAt = performance.now();
    await eventually(async () => expect((await get(idsOn.get(frozenShard)![0]!)).status).toBe(200), {
      timeoutMs: 15_000,
      intervalMs: 100,
    });
    process.stdout.write(
      `  [measured] ${label} thawed: its users served again after ${(performance.now() - thawedAt).toFixed(0)} ms\n`,
    );
  }

  it('serves every read of the live shard while shard server b hangs, and answers b’s users 503 quickly', async () => {
    await withFrozen(serverB, 'shard server b', shardB);
  }, 120_000);

  it('serves reads by id while the server holding the catalog (and shard a) hangs, and stays ready', async () => {
    serverA.freeze();
    try {
      // The catalog's readiness check is not critical: the instance stays in rotation.
      const ready = await requestJson<{ status: string }>(`${users.url}/health/ready`);
      expect(ready.status).toBe(200);
    } finally {
      serverA.thaw();
    }
    await withFrozen(serverA, 'catalog + shard server a', shardA);
  }, 120_000);
});
