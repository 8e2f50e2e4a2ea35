import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { RegistryView } from '@platform/discovery';
import { decodeInstagram } from '@platform/ids';
import type { ErrorBody } from '@platform/service-kit';
import {
  createTestDatabase,
  eventually,
  requestJson,
  TEST_ADMIN_TOKEN,
  TestServices,
  uniqueTopic,
  type TestDatabase,
} from '@platform/testing';

import { idService } from '../../../id-service/test/id-service.harness.js';
import type { ShardsJson } from '../../src/admin/shards-admin.controller.js';
import type { ReshardJob } from '../../src/reshard/resharder.js';
import type { UserJson } from '../../src/users/user.js';
import { emailsOn, ShardedData } from '../sharded-data.js';
import { userService, type UserServiceInstance } from '../user-service.harness.js';

type UserResponse = UserJson & ErrorBody;
const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

/** The state the API acknowledged: what every shard together must hold afterwards, exactly. */
class Acknowledged {
  readonly users = new Map<string, { email: string; name: string }>();
  readonly unexpected: string[] = [];

  record(what: string, status: number, body: UserResponse | ErrorBody | undefined, id?: string): void {
    if (status >= 500 || status === 0) this.unexpected.push(`${what}: ${status} ${JSON.stringify(body)}`);
    if (status === 201 || status === 200) {
      const user = body as UserResponse;
      this.users.set(user.id, { email: user.email, name: user.name });
    } else if (status === 204 && id) this.users.delete(id);
  }
}

describe('user-service on shards across two PostgreSQL servers', () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('user-sharding');
  let data: ShardedData;
  let idDatabase: TestDatabase;
  let a: UserServiceInstance;
  let b: UserServiceInstance;

  const create = (via: UserServiceInstance, email: string, name = email) =>
    requestJson<UserResponse>(`${via.url}/users`, { method: 'POST', json: { email, name } });
  const get = (via: UserServiceInstance, id: string) => requestJson<UserResponse>(`${via.url}/users/${id}`);
  const shardsOf = (via: UserServiceInstance) =>
    requestJson<ShardsJson & ErrorBody>(`${via.url}/admin/shards`, { headers: admin });

  beforeAll(async () => {
    [data, idDatabase] = await Promise.all([
      ShardedData.create('sharding'),
      createTestDatabase('sharding_ids'),
    ]);
    await services.start(idService({ registryTopic, instanceId: 'ids-1', databaseUrl: idDatabase.url }));
    a = await services.start(userService({ registryTopic, instanceId: 'users-a', data: data.data }));
    b = await services.start(userService({ registryTopic, instanceId: 'users-b', data: data.data }));
    for (const instance of [a, b]) {
      const view = instance.app.get(RegistryView);
      await eventually(() => expect(view.instances('id-service')).toHaveLength(1));
    }
  }, 180_000);

  afterAll(async () => {
    await services.stopAll();
    await data?.destroy();
    await idDatabase?.drop();
  }, 60_000);

  it('places every user on the shard its id names, on both servers, and both instances route alike', async () => {
    const created: UserResponse[] = [];
    for (let i = 0; i < 120; i++) created.push((await create(i % 2 ? a : b, `place-${i}@example.com`)).body);
    const map = await data.currentMap();
    const rows = await data.ownedRows();

    const misplaced = created.filter((user) => {
      const logical = decodeInstagram(BigInt(user.id)).shard;
      return rows.get(user.id)?.shard !== map.physicalOf(logical).name;
    });
    expect(misplaced).toEqual([]);
    const used = new Set(created.map((user) => rows.get(user.id)?.shard));
    expect(used).toEqual(new Set(data.shardNames.slice(0, 4)));
    for (const user of created.slice(0, 20)) {
      expect((await get(a, user.id)).body).toEqual(user);
      expect((await get(b, user.id)).body).toEqual(user);
    }
    const { body } = await shardsOf(a);
    expect(body.mapVersion).toBe(1);
    expect(body.shards.map((s) => s.logicalShards)).toEqual([256, 256, 256, 256]);
    expect(body.shards.reduce((sum, s) => sum + (s.users ?? 0), 0)).toBe(rows.size);
    expect(body.spares).toEqual([data.spare]);
  });

  it('reshards online under create/update/delete load: nothing lost or doubled, latest update wins, index matches', async () => {
    const acknowledged = new Acknowledged();
    for (const [id, row] of await data.ownedRows())
      acknowledged.users.set(id, { email: row.email, name: row.name });
    const source = data.shardNames[0]!;
    // Doubling moves the upper half of the source's logical shards; these are the first 16 of them.
    const moving = (await data.currentMap()).logicalShardsOf(source).slice(128, 144);
    const movingEmail = emailsOn(new Set(moving));
    for (let i = 0; i < 200; i++) {
      const { status, body } = await create(a, movingEmail());
      acknowledged.record('seed', status, body);
    }
    let stop = false;
    let operations = 0;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const via = (w + i) % 2 ? a : b;
        const known = [...acknowledged.users.keys()];
        const pick = known[Math.floor(Math.random() * known.length)];
        const roll = Math.random();
        if (roll < 0.5 || !pick) {
          // Most new users land on a logical shard that is moving.
          const email = Math.random() < 0.8 ? movingEmail() : `load-${w}-${i}@example.com`;
          const { status, body } = await create(via, email);
          acknowledged.record('create', status, body);
        } else if (roll < 0.85) {
          const email = Math.random() < 0.3 ? `moved-${w}-${i}@example.com` : undefined;
          const { status, body } = await requestJson<UserResponse>(`${via.url}/users/${pick}`, {
            method: 'PATCH',
            json: { name: `name ${w}-${i}`, ...(email ? { email } : {}) },
          });
          if (status !== 404) acknowledged.record('update', status, body, pick);
        } else {
          const { status, body } = await requestJson<ErrorBody>(`${via.url}/users/${pick}`, {
            method: 'DELETE',
          });
          if (status !== 404) acknowledged.record('delete', status, body, pick);
        }
        operations++;
      }
    };
    const load = Promise.all([0, 1, 2, 3].map(worker));
    const reshardStarted = Date.now();
    let reshardMs: number | undefined;
    let fences: number[] | undefined;
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const started = await requestJson<ReshardJob & ErrorBody>(`${a.url}/admin/reshard`, {
        method: 'POST',
        headers: admin,
        json: { source, target: data.spare, limit: 16 },
      });
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({ source, target: data.spare, state: 'running' });
      expect(started.body.moves).toHaveLength(16);
      const job = await eventually(
        async () => {
          const { body } = await requestJson<ReshardJob>(`${a.url}/admin/reshard/${started.body.id}`, {
            headers: admin,
          });
          expect(body.state).toBe('done');
          return body;
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      reshardMs = Date.now() - reshardStarted - 500;
      expect(job.counts).toMatchObject({ done: 16 });
      expect(job.moves.map((m) => m.logicalShard)).toEqual(moving);
      fences = job.moves.map((m) => m.fenceMs ?? NaN);
      // The other instance takes the new map within a second of its being published.
      await eventually(async () => expect((await shardsOf(b)).body.mapVersion).toBe(17), {
        timeoutMs: 1_000,
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      stop = true;
      await load;
    }

    const copied = (await data.currentMap()).logicalShardsOf(data.spare);
    const onMoved = [...(await data.ownedRows()).values()].filter((r) => r.shard === data.spare).length;
    process.stdout.write(
      `  [measured] reshard: 16 logical shards (${onMoved} users now on ${data.spare}) moved in ${reshardMs ?? '?'} ms ` +
        `under ${operations} API writes, ${acknowledged.unexpected.length} failed; ` +
        `writes fenced ${Math.min(...(fences ?? [])).toFixed(1)}-${Math.max(...(fences ?? [])).toFixed(1)} ms per logical shard\n`,
    );
    expect(fences?.every((ms) => ms > 0 && ms < 5_000)).toBe(true);
    expect(copied).toEqual(moving);
    expect(acknowledged.unexpected).toEqual([]);
    expect(operations).toBeGreaterThan(100);
    expect(onMoved).toBeGreaterThan(200);
    const rows = await data.ownedRows();
    expect(new Map([...rows].map(([id, r]) => [id, { email: r.email, name: r.name }]))).toEqual(
      acknowledged.users,
    );
    const lookup = await data.lookupIndex();
    expect(lookup).toEqual(new Map([...rows].map(([id, r]) => [r.email.toLowerCase(), id])));
    const map = await data.currentMap();
    const moved = map.logicalShardsOf(data.spare);
    expect(moved).toHaveLength(16);
    const left = await data.pools
      .get(source)!
      .query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE logical_shard = ANY($1)', [moved]);
    expect(left.rows[0]!.n).toBe(0);
    expect(await data.preparedCount()).toBe(0);
  }, 120_000);

  it('guards the admin endpoints with the token and refuses bad reshard requests with a reason', async () => {
    const reshard = (json: unknown, headers: Record<string, string> = admin) =>
      requestJson<ErrorBody>(`${a.url}/admin/reshard`, { method: 'POST', headers, json });

    expect((await reshard({ target: data.spare }, {})).status).toBe(401);
    expect((await requestJson(`${a.url}/admin/shards`)).status).toBe(401);
    const cases: [unknown, string][] = [
      [{}, 'target is required'],
      [{ target: 'users_99' }, "is not one of this service's shard databases"],
      [{ target: data.spare }, 'already holds logical shards'],
      [{ target: data.shardNames[1], source: data.shardNames[1] }, 'source and target are the same shard'],
      [{ target: data.spare, limit: 0 }, 'limit must be at least 1'],
      [{ target: data.spare, extra: true }, 'Unrecognized key: "extra"'],
      ['users_4', 'the body must be a JSON object'],
    ];
    for (const [body, message] of cases) {
      const { status, body: answer } = await reshard(body);
      expect({ body, status, message: answer.error?.message }).toMatchObject({
        status: 400,
        message: expect.stringContaining(message),
      });
    }
    const unknown = await requestJson<ErrorBody>(`${a.url}/admin/reshard/rs-nothing-here`, {
      headers: admin,
    });
    expect(unknown.status).toBe(404);
    const malformed = await requestJson<ErrorBody>(`${a.url}/admin/reshard/DROP%20TABLE`, { headers: admin });
    expect(malformed.status).toBe(400);
  });

  it('answers 503 naming the shard, fast, for users on a stopped server, serves everyone else, and recovers', async () => {
    const created: UserResponse[] = [];
    for (let i = 0; i < 60; i++) created.push((await create(a, `outage-${i}@example.com`)).body);
    const rows = await data.ownedRows();
    const down = created.filter((u) => data.onSecondServer.includes(rows.get(u.id)!.shard));
    const up = created.filter((u) => !data.onSecondServer.includes(rows.get(u.id)!.shard));
    expect(down.length).toBeGreaterThan(5);
    expect(up.length).toBeGreaterThan(5);

    await data.second.stop();
    try {
      const sample = async (name: string, labels: readonly string[]) => {
        const metrics = await (await fetch(`${a.url}/metrics`)).text();
        const line = metrics
          .split('\n')
          .find((l) => l.startsWith(`${name}{`) && labels.every((label) => l.includes(label)));
        return Number(line?.split(' ').at(-1));
      };
      // Each shard's breaker judges a 10 s window that still holds the successes from before the
      // outage; as failures keep coming (each a refused connection, already a 503), it opens.
      await eventually(
        async () => {
          for (const user of down) await get(a, user.id);
          for (const shard of data.onSecondServer)
            expect(await sample('user_shard_breaker_state', [`shard="${shard}"`])).toBe(2);
        },
        { timeoutMs: 15_000, intervalMs: 200 },
      );

      // Once the breakers are open, answers come without trying the server.
      const failures: { status: number; code: string; message: string; ms: number }[] = [];
      for (const user of down) {
        const started = performance.now();
        const { status, body } = await get(a, user.id);
        failures.push({
          status,
          code: body.error?.code,
          message: body.error?.message,
          ms: performance.now() - started,
        });
      }
      for (const user of up) expect((await get(a, user.id)).status).toBe(200);

      expect(failures.map((f) => f.status)).toEqual(down.map(() => 503));
      expect(failures.map((f) => f.code)).toEqual(down.map(() => 'shard_unavailable'));
      for (const f of failures)
        expect(data.onSecondServer.some((name) => f.message.includes(name))).toBe(true);
      // Once open, a breaker answers without touching the server. A busy 2-core machine can stall any
      // single round trip, so the bound holds for 9 requests in 10 (a breaker that did not open would
      // make every one of them wait for the server); the slowest is reported.
      const times = failures.map((f) => f.ms).sort((x, y) => x - y);
      const at = (q: number) => times[Math.ceil(q * times.length) - 1]!;
      process.stdout.write(
        `  [measured] shard outage, breakers open: ${failures.length} requests answered 503, ` +
          `median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, slowest ${at(1).toFixed(1)} ms\n`,
      );
      expect(at(0.9)).toBeLessThan(50);
      // What a dashboard and the shard-down alert see.
      for (const shard of data.onSecondServer) {
        expect(
          await sample('user_shard_operation_duration_seconds_count', [
            `shard="${shard}"`,
            'outcome="unavailable"',
          ]),
        ).toBeGreaterThan(0);
      }
      expect(await sample('user_shard_operation_duration_seconds_count', ['outcome="ok"'])).toBeGreaterThan(
        0,
      );
      const created = await create(a, 'during-outage@example.com');
      expect([201, 503]).toContain(created.status);
    } finally {
      await data.second.resume();
    }
    await eventually(
      async () => {
        for (const user of down) expect((await get(a, user.id)).status).toBe(200);
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
  }, 120_000);
});
