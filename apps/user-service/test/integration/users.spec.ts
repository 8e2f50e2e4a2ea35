import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { RegistryView } from '@platform/discovery';
import { decodeSnowflake } from '@platform/ids';
import { createPool, type Pool } from '@platform/postgres';
import type { ErrorBody } from '@platform/service-kit';
import {
  createTestDatabase,
  eventually,
  requestJson,
  TestServices,
  uniqueTopic,
  type JsonRequest,
  type TestDatabase,
} from '@platform/testing';

import {
  idService,
  type IdServiceInstance,
  type WorkerLeaseHealth,
} from '../../../id-service/test/id-service.harness.js';
import type { UserJson } from '../../src/users/user.js';
import { UsersController } from '../../src/users/users.controller.js';
import { userService, type UserServiceInstance } from '../user-service.harness.js';

type UserResponse = UserJson & ErrorBody;

describe(UsersController.name, () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('user-service');
  let idDatabase: TestDatabase;
  let shardDatabase: TestDatabase;
  let shard: Pool;
  let ids: IdServiceInstance;
  let users: UserServiceInstance;

  const post = (request: JsonRequest) =>
    requestJson<UserResponse>(`${users.url}/users`, { method: 'POST', ...request });
  const get = (id: string) => requestJson<UserResponse>(`${users.url}/users/${id}`);
  const userCount = async () =>
    (await shard.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0]!.n;

  beforeAll(async () => {
    [idDatabase, shardDatabase] = await Promise.all([
      createTestDatabase('user_service_ids'),
      createTestDatabase('user_service_shard'),
    ]);
    shard = createPool({ connectionString: shardDatabase.url, applicationName: 'users.spec' });
    ids = await services.start(
      idService({ registryTopic, instanceId: 'id-for-users', databaseUrl: idDatabase.url }),
    );
    users = await services.start(
      userService({ registryTopic, instanceId: 'users-a', shardUrl: shardDatabase.url }),
    );
    const view = users.app.get(RegistryView);
    await eventually(() => expect(view.instances('id-service').map((i) => i.id)).toEqual(['id-for-users']));
  });

  afterAll(async () => {
    await services.stopAll();
    await shard?.end();
    await Promise.allSettled([idDatabase?.drop(), shardDatabase?.drop()]);
  });

  it('creates a user: 201 with a Snowflake id issued by id-service and a Location to fetch it', async () => {
    const { body: health } = await requestJson<WorkerLeaseHealth>(`${ids.url}/health/ready`);
    const before = Date.now();

    const { status, headers, body } = await post({
      json: { email: 'ada@example.com', name: 'Ada Lovelace' },
    });

    expect(status).toBe(201);
    expect(body).toEqual({
      id: expect.stringMatching(/^[1-9]\d*$/),
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      createdAt: expect.any(String),
    });
    expect(headers.get('location')).toBe(`/users/${body.id}`);
    const parts = decodeSnowflake(BigInt(body.id));
    const lease = health.info?.['worker-lease'];
    expect(parts).toMatchObject({ datacenterId: lease?.datacenterId, workerId: lease?.workerId });
    expect(lease?.workerId).toEqual(expect.any(Number));
    expect(parts.timestampMs).toBeGreaterThanOrEqual(before - 5);
    expect(parts.timestampMs).toBeLessThanOrEqual(Date.now());
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

  it('answers 404 user_not_found for an id no user has', async () => {
    const { status, body } = await get('123456789');

    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: 'user_not_found', message: 'no user has id 123456789' });
  });

  it.each(['abc', '12x', '0', '9223372036854775808'])('answers 400 for the user id %s', async (id) => {
    const { status, body } = await get(id);

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
