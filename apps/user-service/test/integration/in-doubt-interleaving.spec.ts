import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import type { ErrorBody } from '@platform/service-kit';
import {
  createTestDatabase,
  eventually,
  requestJson,
  TestServices,
  uniqueTopic,
  type TestDatabase,
} from '@platform/testing';

import { idService } from '../../../id-service/test/id-service.harness.js';
import type { UserJson } from '../../src/users/user.js';
import { ShardedData } from '../sharded-data.js';
import { UserServiceProcess } from '../user-service.process.js';

type UserResponse = UserJson & ErrorBody;

/**
 * Issue 19, race 3: in-doubt recovery against a writer that is slow, not dead. The writer has
 * prepared its row and is recording 'commit' in the catalog when recovery, finding the row prepared
 * for longer than USER_IN_DOUBT_AFTER_MS, tries to record 'abort'. The test makes the writer slow at
 * exactly that statement — it holds a row with the same email key in an open transaction, so the
 * writer's lookup insert waits behind it — and lets it go once recovery waits behind the writer.
 */
describe('in-doubt recovery while the writer is recording its decision', () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('user-in-doubt-race');
  let data: ShardedData;
  let idDatabase: TestDatabase;
  let users: UserServiceProcess;

  /** A catalog statement of the given kind waits for a lock: what the test waits for, not a sleep. */
  const waitsForLock = (fragment: string) =>
    eventually(
      async () => {
        const { rows } = await data.catalog.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock' AND position($1 in query) > 0`,
          [fragment],
        );
        expect(rows[0]!.n).toBe(1);
      },
      { timeoutMs: 15_000, intervalMs: 20 },
    );

  beforeAll(async () => {
    [data, idDatabase] = await Promise.all([
      ShardedData.create('in_doubt_race', 0),
      createTestDatabase('in_doubt_ids'),
    ]);
    await services.start(idService({ registryTopic, instanceId: 'ids-1', databaseUrl: idDatabase.url }));
    users = await UserServiceProcess.start({
      registryTopic,
      instanceId: 'users-in-doubt',
      data: data.data,
      extraEnv: { USER_IN_DOUBT_AFTER_MS: '100' },
    });
    // The first write may meet 503 no_instances until the process finds id-service.
    await eventually(
      async () =>
        expect(
          (
            await requestJson(`${users.url}/users`, {
              method: 'POST',
              json: { email: 'warm@example.com', name: 'w' },
            })
          ).status,
        ).toBe(201),
      { timeoutMs: 15_000, intervalMs: 100 },
    );
  }, 180_000);

  afterAll(async () => {
    await users?.stop();
    await services.stopAll();
    await data?.destroy();
    await idDatabase?.drop();
  }, 60_000);

  it('commits a write the client was told is stored: the user is there, found by id and by email', async () => {
    const email = 'slow-writer@example.com';
    const blocker = await data.catalog.connect();
    let created: ReturnType<typeof requestJson<UserResponse>>;
    try {
      await blocker.query('BEGIN');
      await blocker.query('INSERT INTO email_lookup (email, user_id) VALUES ($1, 1)', [email]);
      created = requestJson<UserResponse>(`${users.url}/users`, {
        method: 'POST',
        json: { email, name: 'slow' },
      });
      // The writer has prepared its row and waits on the email key, its 'commit' not yet committed...
      await waitsForLock('INSERT INTO email_lookup');
      // ...and recovery, finding the row prepared for over 100 ms, waits on that 'commit'.
      await waitsForLock("VALUES ($1, 'abort')");
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    const answer = await created;
    expect(answer.status).toBe(201);

    const read = await requestJson<UserResponse>(`${users.url}/users/${answer.body.id}`);
    expect(read).toMatchObject({ status: 200, body: { id: answer.body.id, email } });
    const byEmail = await requestJson<{ users: UserJson[] }>(
      `${users.url}/users?email=${encodeURIComponent(email)}`,
    );
    expect(byEmail.body.users.map((user) => user.id)).toEqual([answer.body.id]);
    expect(await data.preparedCount()).toBe(0);
    const rows = await data.ownedRows();
    expect(await data.lookupIndex()).toEqual(
      new Map([...rows].map(([id, r]) => [r.email.toLowerCase(), id])),
    );
  }, 60_000);
});
