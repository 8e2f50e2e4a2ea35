import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import {
  createTestDatabase,
  documentedCaller,
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

import { idService, type IdServiceInstance } from '../id-service.harness.js';

const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

describe('id-service GET /openapi.json', () => {
  const services = new TestServices();
  let database: TestDatabase;
  let instance: IdServiceInstance;
  let document: OpenApiLike;

  const call = documentedCaller(
    () => instance.url,
    () => document,
  );

  beforeAll(async () => {
    database = await createTestDatabase('id_service_openapi');
    instance = await services.start(
      idService({
        registryTopic: uniqueTopic('id-service-openapi'),
        instanceId: 'id-openapi',
        databaseUrl: database.url,
        env: { FAULTS_ENABLED: 'true' },
      }),
    );
    document = (await requestJson<OpenApiLike>(`${instance.url}/openapi.json`)).body;
  });

  afterAll(async () => {
    await services.stopAll();
    await database?.drop();
  });

  it('serves a valid OpenAPI document listing every route the service answers, each with its answer', async () => {
    expect(await openApiProblems(document)).toEqual([]);
    expect(undocumentedRoutes(instance.routes(), document)).toEqual([]);
    expect(operationsWithoutAnswers(document)).toEqual([]);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/ids/{kind}', '/ids/{kind}/{id}', '/admin/clock', '/health/ready']),
    );
  });

  it('answers as documented: ids, decoded ids, the clock, health, metrics and errors', async () => {
    const issued = await requestJson<{ ids: string[] }>(`${instance.url}/ids/snowflake?count=2`, {
      method: 'POST',
    });
    for (const kind of ['snowflake', 'ulid', 'uuidv7', 'objectid'])
      expect(await call(`/ids/${kind}?count=2`, { method: 'POST' })).toMatchObject(
        matchesDocument(200, `POST /ids/${kind}?count=2`),
      );
    expect(await call('/ids/instagram?shard=7', { method: 'POST' })).toMatchObject({ status: 200 });
    expect(await call(`/ids/snowflake/${issued.body.ids[0]}`)).toMatchObject(
      matchesDocument(200, `GET /ids/snowflake/${issued.body.ids[0]}`),
    );
    expect(await call('/ids/instagram', { method: 'POST' })).toMatchObject(
      matchesDocument(400, 'POST /ids/instagram'),
    );
    expect(await call('/ids/nonsense', { method: 'POST' })).toMatchObject(
      matchesDocument(400, 'POST /ids/nonsense'),
    );
    expect(
      await call('/admin/clock', { method: 'PUT', headers: admin, json: { offsetMs: 0 } }),
    ).toMatchObject(matchesDocument(200, 'PUT /admin/clock'));
    expect(await call('/admin/clock', { method: 'PUT', json: { offsetMs: 0 } })).toMatchObject(
      matchesDocument(401, 'PUT /admin/clock'),
    );
    for (const path of ['/health/live', '/health/ready', '/metrics', '/openapi.json'])
      expect(await call(path)).toMatchObject(matchesDocument(200, `GET ${path}`));
    for (const path of ['/admin/faults', '/admin/weight', '/admin/flags'])
      expect(await call(path, { headers: admin })).toMatchObject(matchesDocument(200, `GET ${path}`));
  });
});
