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

/**
 * Issue 19, race 2: a reshard's catch-up against a writer whose change took a lower seq in
 * user_changes and committed after a catch-up round had read past it. The reshard is held at named
 * points (advisory locks this test holds on the catalog), so the worst order happens every run:
 *
 *   copy → [slow writer captures seq s, stays open; fast writer captures s+1, commits]
 *        → catch-up reads s+1 → [slow writer commits] → fence → final catch-up → cutover.
 */
describe('a reshard while a slow writer commits between catch-up rounds', () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('user-reshard-race');
  let data: ShardedData;
  let idDatabase: TestDatabase;
  let users: UserServiceProcess;
  let pauses: PausePointHolder;

  beforeAll(async () => {
    [data, idDatabase] = await Promise.all([
      ShardedData.create('reshard_race', 1),
      createTestDatabase('reshard_race_ids'),
    ]);
    await services.start(idService({ registryTopic, instanceId: 'ids-1', databaseUrl: idDatabase.url }));
    users = await UserServiceProcess.start({
      registryTopic,
      instanceId: 'users-race',
      data: data.data,
      extraEnv: { FAULTS_ENABLED: 'true', USER_PAUSE_POINTS: 'reshard-copied,reshard-caught-up' },
    });
    pauses = await PausePointHolder.open(data.catalog);
  }, 180_000);

  afterAll(async () => {
    pauses?.close();
    await users?.stop();
    await services.stopAll();
    await data?.destroy();
    await idDatabase?.drop();
  }, 60_000);

  it('moves the slow writer’s change too: the target holds what the client was told was stored', async () => {
    const source = data.shardNames[0]!;
    const target = data.spares[0]!;
    const moving = (await data.currentMap()).logicalShardsOf(source)[128]!;
    const email = emailsOn(new Set([moving]), 'race');
    const slowUser = await createUser(users.url, email(), 'before');
    const fastUser = await createUser(users.url, email(), 'before');

    await pauses.hold('reshard-copied');
    await pauses.hold('reshard-caught-up');
    const started = await requestJson<ReshardJob & ErrorBody>(`${users.url}/admin/reshard`, {
      method: 'POST',
      headers: admin,
      json: { source, target, limit: 1 },
    });
    expect(started.status).toBeLessThan(300);
    const { rows: moves } = await data.catalog.query<{ logical_shard: number }>(
      'SELECT logical_shard FROM reshard_moves WHERE job_id = $1',
      [started.body.id],
    );
    expect(moves.map((move) => move.logical_shard)).toEqual([moving]);

    // Copied, changes captured from now on. The slow writer's change takes the lower seq and stays
    // open; the fast one takes the next seq and commits.
    await pauses.waitsAt('reshard-copied');
    const shard = data.pools.get(source)!;
    const slow = await shard.connect();
    try {
      await slow.query('BEGIN');
      await slow.query('SELECT 1 FROM owned_shards WHERE logical_shard = $1 FOR SHARE', [moving]);
      await slow.query("UPDATE users SET name = 'slow writer', updated_at = now() WHERE id = $1", [
        slowUser.id,
      ]);
      await shard.query("UPDATE users SET name = 'fast writer', updated_at = now() WHERE id = $1", [
        fastUser.id,
      ]);
      const { rows: captured } = await shard.query<{ user_id: bigint }>(
        'SELECT user_id FROM user_changes WHERE logical_shard = $1 ORDER BY seq',
        [moving],
      );
      expect(captured.map((row) => String(row.user_id))).toEqual([fastUser.id]); // the slow one is not visible yet

      // The catch-up reads the fast change (seq s+1) and stops; then the slow writer commits (seq s).
      await pauses.release('reshard-copied');
      await pauses.waitsAt('reshard-caught-up');
      await slow.query('COMMIT');
    } finally {
      await slow.query('ROLLBACK').catch(() => undefined);
      slow.release();
    }
    await pauses.release('reshard-caught-up');

    await eventually(
      async () => {
        const { body } = await requestJson<ReshardJob>(`${users.url}/admin/reshard/${started.body.id}`, {
          headers: admin,
        });
        expect(body.state).toBe('done');
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const rows = await data.ownedRows();
    expect(rows.get(slowUser.id)).toMatchObject({ shard: target, name: 'slow writer' });
    expect(rows.get(fastUser.id)).toMatchObject({ shard: target, name: 'fast writer' });
    const read = await requestJson<UserResponse>(`${users.url}/users/${slowUser.id}`);
    expect(read.body).toMatchObject({ id: slowUser.id, name: 'slow writer' });
  }, 120_000);
});
