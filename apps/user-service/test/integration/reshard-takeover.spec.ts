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
import { createUser } from '../create-user.js';
import { PausePointHolder } from '../pause-point-holder.js';
import { emailsOn, ShardedData } from '../sharded-data.js';
import { UserServiceProcess } from '../user-service.process.js';

type UserResponse = UserJson & ErrorBody;
const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const LEASE_MS = '2000';

/**
 * Issue 19, race 4: a reshard job's owner paused past its lease (SIGSTOP: a hung host, a long GC)
 * while another instance takes the job over and finishes it. The owner is stopped right after it
 * read a copy batch (a pause point it waits at), so it wakes holding rows older than the ones the new
 * owner moved, and goes on where it was.
 */
describe('a reshard owner that wakes after another instance took its job over', () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('user-reshard-takeover');
  let data: ShardedData;
  let idDatabase: TestDatabase;
  let paused: UserServiceProcess;
  let other: UserServiceProcess;
  let pauses: PausePointHolder;

  beforeAll(async () => {
    [data, idDatabase] = await Promise.all([
      ShardedData.create('reshard_takeover', 1),
      createTestDatabase('reshard_takeover_ids'),
    ]);
    await services.start(idService({ registryTopic, instanceId: 'ids-1', databaseUrl: idDatabase.url }));
    [paused, other] = await Promise.all([
      UserServiceProcess.start({
        registryTopic,
        instanceId: 'users-paused',
        data: data.data,
        extraEnv: {
          FAULTS_ENABLED: 'true',
          USER_PAUSE_POINTS: 'reshard-copy-batch-read',
          USER_RESHARD_LEASE_MS: LEASE_MS,
        },
      }),
      UserServiceProcess.start({
        registryTopic,
        instanceId: 'users-other',
        data: data.data,
        extraEnv: { USER_RESHARD_LEASE_MS: LEASE_MS },
      }),
    ]);
    pauses = await PausePointHolder.open(data.catalog);
  }, 180_000);

  afterAll(async () => {
    paused?.signal('SIGCONT');
    pauses?.close();
    await Promise.allSettled([paused?.stop(), other?.stop()]);
    await services.stopAll();
    await data?.destroy();
    await idDatabase?.drop();
  }, 60_000);

  it('writes nothing more once fenced off: the update made meanwhile survives, and the job stays done', async () => {
    const source = data.shardNames[0]!;
    const target = data.spares[0]!;
    const moving = (await data.currentMap()).logicalShardsOf(source)[128]!;
    const user = await createUser(other.url, emailsOn(new Set([moving]), 'takeover')(), 'before');

    await pauses.hold('reshard-copy-batch-read');
    const started = await requestJson<ReshardJob & ErrorBody>(`${paused.url}/admin/reshard`, {
      method: 'POST',
      headers: admin,
      json: { source, target, limit: 1 },
    });
    expect(started.body.owner).toBe('users-paused');
    // It has read the batch (the user named 'before') and waits to write it: now it hangs.
    await pauses.waitsAt('reshard-copy-batch-read');
    paused.signal('SIGSTOP');

    // The user changes meanwhile; the lease lapses, the other instance takes the job over and ends it.
    const patched = await requestJson<UserResponse>(`${other.url}/users/${user.id}`, {
      method: 'PATCH',
      json: { name: 'after' },
    });
    expect(patched.body).toMatchObject({ name: 'after' });
    const done = await eventually(
      async () => {
        const { body } = await requestJson<ReshardJob>(`${other.url}/admin/reshard/${started.body.id}`, {
          headers: admin,
        });
        expect(body).toMatchObject({ state: 'done', owner: 'users-other' });
        return body;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect((await data.ownedRows()).get(user.id)).toMatchObject({ shard: target, name: 'after' });

    // The first owner wakes up, holding its batch of 'before', and goes on.
    await pauses.release('reshard-copy-batch-read');
    paused.signal('SIGCONT');
    const left = () => expect(paused.output.join('')).toContain('is owned by another instance now');
    await eventually(left, { timeoutMs: 10_000, intervalMs: 100 }).catch(() => undefined);

    expect((await data.ownedRows()).get(user.id)).toMatchObject({ shard: target, name: 'after' });
    left();
    const read = await requestJson<UserResponse>(`${other.url}/users/${user.id}`);
    expect(read.body).toMatchObject({ name: 'after' });
    const { body: after } = await requestJson<ReshardJob>(`${other.url}/admin/reshard/${started.body.id}`, {
      headers: admin,
    });
    expect(after).toMatchObject({ state: 'done', owner: 'users-other', counts: done.counts });
  }, 120_000);
});
