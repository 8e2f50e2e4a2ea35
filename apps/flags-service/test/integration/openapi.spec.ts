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

import { flagsService, type FlagsServiceInstance } from '../flags-service.harness.js';

const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

const checkout = {
  description: 'The new checkout',
  enabled: true,
  variants: { on: true, off: false },
  offVariant: 'off',
  rules: [
    {
      id: 'staff',
      conditions: [{ attribute: 'email', operator: 'endsWith', values: ['@example.com'] }],
      serve: { variant: 'on' },
    },
    { id: 'beta', conditions: [{ segment: 'beta-testers' }], serve: { variant: 'on' } },
  ],
  defaultRule: {
    rollout: [
      { variant: 'on', weight: 30 },
      { variant: 'off', weight: 70 },
    ],
  },
};

describe('flags-service GET /openapi.json', () => {
  const services = new TestServices();
  let database: TestDatabase;
  let instance: FlagsServiceInstance;
  let document: OpenApiLike;

  const call = documentedCaller(
    () => instance.url,
    () => document,
  );
  const answers = (status: number, method: string, path: string) =>
    matchesDocument(status, `${method} ${path}`);

  beforeAll(async () => {
    database = await createTestDatabase('flags_service_openapi');
    instance = await services.start(
      flagsService({
        registryTopic: uniqueTopic('flags-openapi'),
        instanceId: 'flags-openapi',
        databaseUrl: database.url,
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
      expect.arrayContaining(['/flags/{key}', '/flags/{key}/evaluate', '/segments/{key}']),
    );
  });

  it('answers as documented: segments and flags written, read, evaluated, audited and deleted', async () => {
    const put = (path: string, json: unknown) => call(path, { method: 'PUT', headers: admin, json });
    expect(await put('/segments/beta-testers', { includedUserIds: ['beta-1'] })).toMatchObject(
      answers(201, 'PUT', '/segments/beta-testers'),
    );
    expect(await put('/segments/beta-testers', { includedUserIds: ['beta-2'] })).toMatchObject(
      answers(200, 'PUT', '/segments/beta-testers'),
    );
    expect(await put('/flags/checkout', checkout)).toMatchObject(answers(201, 'PUT', '/flags/checkout'));
    expect(await put('/flags/checkout', { enabled: false })).toMatchObject(
      answers(200, 'PUT', '/flags/checkout'),
    );
    expect(await put('/flags/dark-mode', { enabled: true })).toMatchObject(
      answers(201, 'PUT', '/flags/dark-mode'),
    );
    expect(await put('/flags/broken', { enabled: 'yes' })).toMatchObject(
      answers(400, 'PUT', '/flags/broken'),
    );
    expect(await call('/flags/checkout', { method: 'PUT', json: checkout })).toMatchObject(
      answers(401, 'PUT', '/flags/checkout'),
    );

    for (const path of [
      '/flags',
      '/flags/checkout',
      '/flags/checkout/audit',
      '/segments',
      '/segments/beta-testers',
    ])
      expect(await call(path)).toMatchObject(answers(200, 'GET', path));
    for (const context of [{ userId: 'beta-2' }, { userId: 'u-1', email: 'ada@example.com' }, {}]) {
      const evaluate = { method: 'POST', json: { context } };
      expect(await call('/flags/checkout/evaluate', evaluate)).toMatchObject(
        answers(200, 'POST', '/flags/checkout/evaluate'),
      );
      expect(await call('/flags/dark-mode/evaluate', evaluate)).toMatchObject(
        answers(200, 'POST', '/flags/dark-mode/evaluate'),
      );
    }

    expect(await call('/segments/beta-testers', { method: 'DELETE', headers: admin })).toMatchObject(
      answers(409, 'DELETE', '/segments/beta-testers'),
    );
    expect(await call('/flags/checkout', { method: 'DELETE', headers: admin })).toMatchObject(
      answers(204, 'DELETE', '/flags/checkout'),
    );
    expect(await call('/flags/checkout')).toMatchObject(answers(404, 'GET', '/flags/checkout'));
    expect(await call('/segments/beta-testers', { method: 'DELETE', headers: admin })).toMatchObject(
      answers(204, 'DELETE', '/segments/beta-testers'),
    );
    for (const path of ['/health/live', '/health/ready', '/metrics', '/openapi.json'])
      expect(await call(path)).toMatchObject(answers(200, 'GET', path));
    expect(await call('/admin/weight', { headers: admin })).toMatchObject(
      answers(200, 'GET', '/admin/weight'),
    );
  });
});
