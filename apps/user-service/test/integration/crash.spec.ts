import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

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
import type { ReshardJob } from '../../src/reshard/resharder.js';
import type { UserJson } from '../../src/users/user.js';
import { emailsOn, ShardedData } from '../sharded-data.js';
import { UserServiceProcess } from '../user-service.process.js';

type UserResponse = UserJson & ErrorBody;
const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

// Each test kills a user-service process with SIGKILL at a chosen point (USER_CRASH_POINT), starts
// a fresh one, and checks that recovery leaves the data exactly as if the crash had not happened
// (or as if the interrupted request had never been made).
describe('a user-service process killed mid-write or mid-reshard', () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('user-crash');
  let data: ShardedData;
  let idDatabase: TestDatabase;
  const running: UserServiceProcess[] = [];

  const start = async (crashPoint?: string) => {
    const instance = await UserServiceProcess.start({
      registryTopic,
      instanceId: 'users-crashing',
      data: data.data,
      extraEnv: crashPoint ? { FAULTS_ENABLED: 'true', USER_CRASH_POINT: crashPoint } : {},
    });
    running.push(instance);
    return instance;
  };
  /**
   * Creates a user, first waiting (503 no_instances) until the process has found id-service: the
   * write itself may be the one that kills the process, so nothing else may be written first.
   */
  const createOn = async (instance: UserServiceProcess, email: string) => {
    for (;;) {
      const answer = await requestJson<UserResponse>(`${instance.url}/users`, {
        method: 'POST',
        json: { email, name: email },
      }).catch((error: unknown) => ({ failed: String(error) }));
      if (!('status' in answer) || answer.status !== 503 || answer.body.error?.code !== 'no_instances')
        return answer;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const expectConsistent = async () => {
    const rows = await data.ownedRows();
    expect(await data.lookupIndex()).toEqual(
      new Map([...rows].map(([id, r]) => [r.email.toLowerCase(), id])),
    );
    expect(await data.preparedCount()).toBe(0);
    return rows;
  };

  beforeAll(async () => {
    [data, idDatabase] = await Promise.all([ShardedData.create('crash', 2), createTestDatabase('crash_ids')]);
    await services.start(idService({ registryTopic, instanceId: 'ids-1', databaseUrl: idDatabase.url }));
  }, 180_000);

  afterAll(async () => {
    await Promise.allSettled(running.map((p) => p.stop()));
    await services.stopAll();
    await data?.destroy();
    await idDatabase?.drop();
  }, 60_000);

  it('rolls back a create killed after its row was prepared: no user, no lookup entry, the email free', async () => {
    const crashing = await start('after-prepare');
    const answer = await createOn(crashing, 'prepared@example.com');
    expect(answer).toEqual({ failed: expect.stringContaining('fetch failed') }); // it died mid-request
    expect((await crashing.exited).signal).toBe('SIGKILL');
    expect(await data.preparedCount()).toBe(1);
    expect((await data.lookupIndex()).has('prepared@example.com')).toBe(false);

    const restarted = await start();
    await eventually(async () => expect(await data.preparedCount()).toBe(0), { timeoutMs: 15_000 });

    const rows = await expectConsistent();
    expect([...rows.values()].some((r) => r.email === 'prepared@example.com')).toBe(false);
    expect(await createOn(restarted, 'prepared@example.com')).toMatchObject({ status: 201 });
    await expectConsistent();
    await restarted.stop();
  }, 60_000);

  it('commits a create killed after its decision was recorded: the user appears, found by email', async () => {
    const crashing = await start('after-decision');
    expect(await createOn(crashing, 'decided@example.com')).toEqual({ failed: expect.any(String) });
    expect((await crashing.exited).signal).toBe('SIGKILL');
    expect(await data.preparedCount()).toBe(1);
    expect((await data.lookupIndex()).has('decided@example.com')).toBe(true);

    const restarted = await start();
    const found = await eventually(
      async () => {
        const { status, body } = await requestJson<{ users: UserJson[] }>(
          `${restarted.url}/users?email=decided%40example.com`,
        );
        expect(status).toBe(200);
        return body.users[0]!;
      },
      { timeoutMs: 15_000 },
    );
    expect(found).toMatchObject({ email: 'decided@example.com', name: 'decided@example.com' });
    await expectConsistent();
    await restarted.stop();
  }, 60_000);

  it.each([
    ['mid-copy', 'reshard-copying', 0],
    ['inside the cutover fence', 'reshard-cutover', 1],
  ])(
    'finishes a reshard killed %s once the process is back: no user lost or doubled',
    async (_when, point, spare) => {
      const source = data.shardNames[spare === 0 ? 0 : 2]!;
      const target = data.spares[spare]!;
      const moving = new Set((await data.currentMap()).logicalShardsOf(source).slice(128, 136));
      const seeding = await start();
      const email = emailsOn(moving, point);
      for (let created = 0; created < 150; created++)
        expect(await createOn(seeding, email())).toMatchObject({ status: 201 });
      await seeding.stop();
      const before = await expectConsistent();

      const crashing = await start(point);
      const started = await requestJson<ReshardJob>(`${crashing.url}/admin/reshard`, {
        method: 'POST',
        headers: admin,
        json: { source, target, limit: 8 },
      }).catch(() => undefined);
      expect((await crashing.exited).signal).toBe('SIGKILL');
      const { rows: jobs } = await data.catalog.query<{ id: string; state: string }>(
        'SELECT id, state FROM reshard_jobs WHERE target = $1',
        [target],
      );
      expect(jobs).toEqual([{ id: started?.body.id ?? jobs[0]!.id, state: 'running' }]);

      const restarted = await start();
      const job = await eventually(
        async () => {
          const { body } = await requestJson<ReshardJob>(`${restarted.url}/admin/reshard/${jobs[0]!.id}`, {
            headers: admin,
          });
          expect(body.state).toBe('done');
          return body;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );

      expect(job.counts.done).toBe(8);
      const after = await expectConsistent();
      expect(new Map([...after].map(([id, r]) => [id, r.email]))).toEqual(
        new Map([...before].map(([id, r]) => [id, r.email])),
      );
      expect((await data.currentMap()).logicalShardsOf(target)).toEqual([...moving]);
      expect([...after.values()].filter((r) => r.shard === target).length).toBeGreaterThanOrEqual(150);
      await restarted.stop();
    },
    120_000,
  );
});
