import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { RegistryView } from '@platform/discovery';
import { decodeInstagram } from '@platform/ids';
import { createPool, type Pool } from '@platform/postgres';
import type { ErrorBody } from '@platform/service-kit';
import { logicalShardOf } from '@platform/sharding';
import {
  createTestDatabase,
  eventually,
  requestJson,
  TestServices,
  uniqueTopic,
  type JsonRequest,
  type TestDatabase,
} from '@platform/testing';

import { idService, type IdServiceInstance } from '../../../id-service/test/id-service.harness.js';
import type { UserJson } from '../../src/users/user.js';
import { UsersController, type UserListJson } from '../../src/users/users.controller.js';
import { userService, type UserServiceInstance } from '../user-service.harness.js';

type UserResponse = UserJson & ErrorBody;
type ListResponse = UserListJson & ErrorBody;

describe(UsersController.name, () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('user-service');
  let idDatabase: TestDatabase;
  let catalogDatabase: TestDatabase;
  let shardDatabases: TestDatabase[];
  let shards: Pool[];
  let catalog: Pool;
  let ids: IdServiceInstance;
  let users: UserServiceInstance;

  const post = (request: JsonRequest) =>
    requestJson<UserResponse>(`${users.url}/users`, { method: 'POST', ...request });
  const get = (id: string) => requestJson<UserResponse>(`${users.url}/users/${id}`);
  const patch = (id: string, request: JsonRequest) =>
    requestJson<UserResponse>(`${users.url}/users/${id}`, { method: 'PATCH', ...request });
  const remove = (id: string) => requestJson<ErrorBody>(`${users.url}/users/${id}`, { method: 'DELETE' });
  const list = (query: string) => requestJson<ListResponse>(`${users.url}/users?${query}`);
  const userCount = async () => {
    let n = 0;
    for (const shard of shards)
      n += (await shard.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0]!.n;
    return n;
  };
  /** The lookup index as `email -> id`, and the rows as the same, for comparing them. */
  const lookupIndex = async () =>
    Object.fromEntries(
      (
        await catalog.query<{ email: string; user_id: bigint }>('SELECT email, user_id FROM email_lookup')
      ).rows.map((r) => [r.email, String(r.user_id)]),
    );
  const rowsByEmail = async () => {
    const entries: [string, string][] = [];
    for (const shard of shards)
      for (const r of (
        await shard.query<{ email: string; id: bigint }>('SELECT lower(email) AS email, id FROM users')
      ).rows)
        entries.push([r.email, String(r.id)]);
    return Object.fromEntries(entries);
  };

  beforeAll(async () => {
    [idDatabase, catalogDatabase, ...shardDatabases] = await Promise.all([
      createTestDatabase('user_service_ids'),
      createTestDatabase('user_service_catalog'),
      createTestDatabase('user_service_shard'),
      createTestDatabase('user_service_shard'),
    ]);
    shards = shardDatabases.map((db) =>
      createPool({ connectionString: db.url, applicationName: 'users.spec' }),
    );
    catalog = createPool({ connectionString: catalogDatabase.url, applicationName: 'users.spec' });
    ids = await services.start(
      idService({ registryTopic, instanceId: 'id-for-users', databaseUrl: idDatabase.url }),
    );
    users = await services.start(
      userService({
        registryTopic,
        instanceId: 'users-a',
        data: {
          catalogUrl: catalogDatabase.url,
          shardUrls: shardDatabases.map((db) => db.url),
          shardMapTopic: uniqueTopic('user-shard-map'),
        },
      }),
    );
    const view = users.app.get(RegistryView);
    await eventually(() => expect(view.instances('id-service').map((i) => i.id)).toEqual(['id-for-users']));
  });

  afterAll(async () => {
    await services.stopAll();
    await Promise.allSettled([...(shards ?? []), catalog].map((pool) => pool?.end()));
    await Promise.allSettled(
      [idDatabase, catalogDatabase, ...(shardDatabases ?? [])].map((db) => db?.drop()),
    );
  });

  it("creates a user: 201 with an Instagram-style id on its email's logical shard, and a Location", async () => {
    const before = Date.now();

    const { status, headers, body } = await post({
      json: { email: 'Ada@Example.com', name: 'Ada Lovelace' },
    });

    expect(status).toBe(201);
    expect(body).toEqual({
      id: expect.stringMatching(/^[1-9]\d*$/),
      email: 'Ada@Example.com',
      name: 'Ada Lovelace',
      createdAt: expect.any(String),
      updatedAt: body.createdAt,
    });
    expect(headers.get('location')).toBe(`/users/${body.id}`);
    const parts = decodeInstagram(BigInt(body.id));
    expect(parts.shard).toBe(logicalShardOf('ada@example.com', 1024));
    expect(parts.timestampMs).toBeGreaterThanOrEqual(before - 5);
    expect(parts.timestampMs).toBeLessThanOrEqual(Date.now());
    expect(await lookupIndex()).toMatchObject({ 'ada@example.com': body.id });
  });

  it('returns a created user by its id', async () => {
    const created = await post({ json: { email: 'grace@example.com', name: 'Grace Hopper' } });

    const { status, body } = await get(created.body.id);

    expect(status).toBe(200);
    expect(body).toEqual(created.body);
  });

  it('answers 409 email_taken for an email already used in another letter case', async () => {
    expect((await post({ json: { email: 'Edsger@Example.com', name: 'Edsger' } })).status).toBe(201);

    const { status, body } = await post({ json: { email: 'edsger@EXAMPLE.COM', name: 'Someone else' } });

    expect(status).toBe(409);
    expect(body.error.code).toBe('email_taken');
    expect(body.error.message).toContain('edsger@EXAMPLE.COM');
  });

  it.each<[string, JsonRequest, string]>([
    [
      'an invalid email',
      { json: { email: 'not-an-email', name: 'X' } },
      'email must be a valid email address',
    ],
    ['a missing name', { json: { email: 'x@example.com' } }, 'name is required and must be a string'],
    ['a blank name', { json: { email: 'x@example.com', name: '   ' } }, 'name must not be empty'],
    [
      'an email of the wrong type',
      { json: { email: 42, name: 'X' } },
      'email is required and must be a string',
    ],
    ['a name of the wrong type', { json: { email: 'x@example.com', name: ['X'] } }, 'name is required'],
    [
      'an extra field',
      { json: { email: 'x@example.com', name: 'X', role: 'admin' } },
      'Unrecognized key: "role"',
    ],
    ['an array body', { json: [{ email: 'x@example.com', name: 'X' }] }, 'the body must be a JSON object'],
    ['a string body', { json: 'x@example.com' }, 'the body must be a JSON object'],
    ['no body at all', {}, 'the body must be a JSON object'],
  ])('answers 400 JSON naming the problem for %s, and stores nothing', async (_case, request, message) => {
    const count = await userCount();

    const { status, headers, body } = await post(request);

    expect(status).toBe(400);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.message).toContain(message);
    expect(await userCount()).toBe(count);
  });

  it('answers 400 JSON for a body that is not valid JSON', async () => {
    const { status, body } = await post({
      rawBody: '{"email": "x@example.com", "name": ',
      headers: { 'content-type': 'application/json' },
    });

    expect(status).toBe(400);
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toMatch(/JSON/i);
  });

  it('finds a user by email, in any letter case, and answers 404 for an email nobody has', async () => {
    const created = await post({ json: { email: 'barbara@example.com', name: 'Barbara Liskov' } });

    const found = await list('email=BARBARA%40example.com');
    const missing = await list('email=nobody%40example.com');

    expect(found.status).toBe(200);
    expect(found.body.users).toEqual([created.body]);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({
      code: 'user_not_found',
      message: 'no user has email nobody@example.com',
    });
  });

  it('updates a name and an email; the old email is free again and the lookup index follows', async () => {
    const created = await post({ json: { email: 'alan@example.com', name: 'Alan' } });

    const renamed = await patch(created.body.id, { json: { name: 'Alan Turing' } });
    const moved = await patch(created.body.id, { json: { email: 'turing@example.com' } });

    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ email: 'alan@example.com', name: 'Alan Turing' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      id: created.body.id,
      email: 'turing@example.com',
      name: 'Alan Turing',
    });
    expect((await get(created.body.id)).body).toEqual(moved.body);
    expect((await list('email=alan%40example.com')).status).toBe(404);
    expect((await post({ json: { email: 'alan@example.com', name: 'Another Alan' } })).status).toBe(201);
    expect(await lookupIndex()).toEqual(await rowsByEmail());
  });

  it('answers 409 for an update to a taken email and changes nothing', async () => {
    const a = await post({ json: { email: 'first@example.com', name: 'First' } });
    await post({ json: { email: 'second@example.com', name: 'Second' } });

    const { status, body } = await patch(a.body.id, {
      json: { email: 'SECOND@example.com', name: 'Changed' },
    });

    expect(status).toBe(409);
    expect(body.error.code).toBe('email_taken');
    expect((await get(a.body.id)).body).toEqual(a.body);
    expect(await lookupIndex()).toEqual(await rowsByEmail());
  });

  it.each<[string, JsonRequest, string]>([
    ['an empty body', { json: {} }, 'must change email or name'],
    ['an unknown field', { json: { name: 'X', role: 'admin' } }, 'Unrecognized key: "role"'],
    ['an invalid email', { json: { email: 'nope' } }, 'email must be a valid email address'],
    ['a blank name', { json: { name: ' ' } }, 'name must not be empty'],
  ])('answers 400 to an update with %s', async (_case, request, message) => {
    const created = await post({
      json: { email: `patch-${_case.replace(/\W/g, '-')}@example.com`, name: 'P' },
    });

    const { status, body } = await patch(created.body.id, request);

    expect(status).toBe(400);
    expect(body.error.message).toContain(message);
    expect((await get(created.body.id)).body).toEqual(created.body);
  });

  it('deletes a user: 204, then 404, its email free again, and 404 for a second delete', async () => {
    const created = await post({ json: { email: 'gone@example.com', name: 'Gone' } });

    expect((await remove(created.body.id)).status).toBe(204);

    expect((await get(created.body.id)).status).toBe(404);
    expect((await remove(created.body.id)).status).toBe(404);
    expect((await list('email=gone%40example.com')).status).toBe(404);
    expect(await lookupIndex()).toEqual(await rowsByEmail());
  });

  it('lists every user in id order, in pages gathered from all shards, with a cursor that survives inserts', async () => {
    for (let i = 0; i < 12; i++) await post({ json: { email: `page-${i}@example.com`, name: `Page ${i}` } });
    const all: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { status, body }: { status: number; body: ListResponse } = await list(
        `limit=5${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(status).toBe(200);
      expect(body.users.length).toBeLessThanOrEqual(5);
      all.push(...body.users.map((u) => u.id));
      cursor = body.nextCursor;
      // A user created meanwhile has a newer (larger) id: it shows up on a later page, never twice.
      if (pages++ === 1) await post({ json: { email: 'late@example.com', name: 'Late' } });
    } while (cursor);

    const rows = Object.values(await rowsByEmail());
    expect(all).toEqual([...all].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(all)).toEqual(new Set(rows));
    expect(shards.length).toBe(2);
    for (const shard of shards)
      expect(
        (await shard.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0]!.n,
      ).toBeGreaterThan(0);
  });

  it.each([
    ['limit=0', 'limit must be at least 1'],
    ['limit=501', 'limit must be at most 500'],
    ['limit=ten', 'limit must be a whole number'],
    ['cursor=abc', 'cursor must be the nextCursor of a previous page'],
    ['email=not-an-email', 'email must be a valid email address'],
    ['sort=name', 'Unrecognized key: "sort"'],
  ])('answers 400 to GET /users?%s', async (query, message) => {
    const { status, body } = await list(query);

    expect(status).toBe(400);
    expect(body.error.message).toContain(message);
  });

  it('answers 404 user_not_found for an id no user has', async () => {
    const { status, body } = await get('123456789');

    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: 'user_not_found', message: 'no user has id 123456789' });
  });

  it.each(['abc', '12x', '0', '9223372036854775808'])('answers 400 for the user id %s', async (id) => {
    const { status, body } = await get(id);
    expect((await patch(id, { json: { name: 'X' } })).status).toBe(400);
    expect((await remove(id)).status).toBe(400);

    expect(status).toBe(400);
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.message).toContain('invalid user id');
  });

  // Last: it stops id-service.
  it('answers 503 no_instances naming id-service, and stores nothing, when no id-service is live', async () => {
    await ids.shutdown('test');
    const view = users.app.get(RegistryView);
    await eventually(() => expect(view.instances('id-service')).toEqual([]));
    const count = await userCount();

    const { status, headers, body } = await post({ json: { email: 'linus@example.com', name: 'Linus' } });

    expect(status).toBe(503);
    expect(body.error.code).toBe('no_instances');
    expect(body.error.message).toContain('id-service');
    expect(headers.get('retry-after')).toBe('1');
    expect(await userCount()).toBe(count);
  });
});
