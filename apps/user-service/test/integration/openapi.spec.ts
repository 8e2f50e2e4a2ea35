import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { RegistryView } from '@platform/discovery';
import {
  createTestDatabase,
  documentedCaller,
  eventually,
  matchesDocument,
  openApiProblems,
  operationsWithoutAnswers,
  requestJson,
  TEST_ADMIN_TOKEN,
  TestServices,
  undocumentedRoutes,
  uniqueTopic,
  type OpenApiLike,
  type TestDatabase,
} from '@platform/testing';

import { idService } from '../../../id-service/test/id-service.harness.js';
import { userService, type UserServiceInstance } from '../user-service.harness.js';

const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

describe('user-service GET /openapi.json', () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('user-service-openapi');
  let databases: TestDatabase[] = [];
  let users: UserServiceInstance;
  let document: OpenApiLike;

  const call = documentedCaller(
    () => users.url,
    () => document,
  );
  const matches = (status: number, method: string, path: string) =>
    matchesDocument(status, `${method} ${path}`);

  beforeAll(async () => {
    databases = await Promise.all([
      createTestDatabase('user_openapi_ids'),
      createTestDatabase('user_openapi_catalog'),
      createTestDatabase('user_openapi_shard'),
      createTestDatabase('user_openapi_shard'),
    ]);
    const [ids, catalog, ...shards] = databases;
    await services.start(idService({ registryTopic, instanceId: 'id-for-openapi', databaseUrl: ids!.url }));
    users = await services.start(
      userService({
        registryTopic,
        instanceId: 'users-openapi',
        data: {
          catalogUrl: catalog!.url,
          shardUrls: shards.map((db) => db.url),
          initialShards: 1,
          shardMapTopic: uniqueTopic('user-openapi-shard-map'),
        },
      }),
    );
    const view = users.app.get(RegistryView);
    await eventually(() => expect(view.instances('id-service')).toHaveLength(1));
    document = (await requestJson<OpenApiLike>(`${users.url}/openapi.json`)).body;
  });

  afterAll(async () => {
    await services.stopAll();
    await Promise.allSettled(databases.map((db) => db.drop()));
  });

  it('serves a valid OpenAPI document listing every route the service answers, each with its answer', async () => {
    expect(await openApiProblems(document)).toEqual([]);
    expect(undocumentedRoutes(users.routes(), document)).toEqual([]);
    expect(operationsWithoutAnswers(document)).toEqual([]);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/users', '/users/{id}', '/admin/shards', '/admin/reshard/{id}']),
    );
  });

  it('answers as documented: users created, listed, read, changed and deleted, and the errors a caller meets', async () => {
    const created = await call('/users', { method: 'POST', json: { email: 'ada@example.com', name: 'Ada' } });
    expect(created).toMatchObject(matches(201, 'POST', '/users'));
    const id = String(created.body['id']);
    await call('/users', { method: 'POST', json: { email: 'grace@example.com', name: 'Grace' } });

    expect(
      await call('/users', { method: 'POST', json: { email: 'ADA@example.com', name: 'A' } }),
    ).toMatchObject(matches(409, 'POST', '/users'));
    expect(await call('/users', { method: 'POST', json: { email: 'nope' } })).toMatchObject(
      matches(400, 'POST', '/users'),
    );
    for (const path of ['/users', '/users?limit=1', '/users?email=ada%40example.com', `/users/${id}`])
      expect(await call(path)).toMatchObject(matches(200, 'GET', path));
    expect(await call('/users?email=nobody%40example.com')).toMatchObject(
      matches(404, 'GET', '/users?email=nobody%40example.com'),
    );
    expect(await call(`/users/${id}`, { method: 'PATCH', json: { name: 'Ada Lovelace' } })).toMatchObject(
      matches(200, 'PATCH', `/users/${id}`),
    );
    expect(await call(`/users/${id}`, { method: 'DELETE' })).toMatchObject(
      matches(204, 'DELETE', `/users/${id}`),
    );
    expect(await call(`/users/${id}`)).toMatchObject(matches(404, 'GET', `/users/${id}`));
    expect(await call('/users/not-a-number')).toMatchObject(matches(400, 'GET', '/users/not-a-number'));
  });

  it('answers as documented on its admin routes: the shards, and a resharding job from start to done', async () => {
    const shards = await call('/admin/shards', { headers: admin });
    expect(shards).toMatchObject(matches(200, 'GET', '/admin/shards'));
    const [spare] = shards.body['spares'] as string[];

    const started = await call('/admin/reshard', {
      method: 'POST',
      headers: admin,
      json: { target: spare, limit: 2 },
    });
    expect(started).toMatchObject(matches(202, 'POST', '/admin/reshard'));
    const job = `/admin/reshard/${String(started.body['id'])}`;
    await eventually(
      async () => {
        const progress = await call(job, { headers: admin });
        expect(progress).toMatchObject({ ...matches(200, 'GET', job), body: { state: 'done' } });
      },
      { timeoutMs: 30_000 },
    );
    expect(await call('/admin/reshard/rs-nothing-here', { headers: admin })).toMatchObject(
      matches(404, 'GET', '/admin/reshard/rs-nothing-here'),
    );
    expect(await call('/admin/shards')).toMatchObject(matches(401, 'GET', '/admin/shards'));
    for (const path of ['/health/live', '/health/ready', '/metrics', '/openapi.json'])
      expect(await call(path)).toMatchObject(matches(200, 'GET', path));
    for (const path of ['/admin/weight', '/admin/flags'])
      expect(await call(path, { headers: admin })).toMatchObject(matches(200, 'GET', path));
  });
});
