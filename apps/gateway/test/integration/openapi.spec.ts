import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { openApiPath } from '@platform/service-kit';
import {
  createTestDatabase,
  documentedCaller,
  matchesDocument,
  openApiProblems,
  operationsWithoutAnswers,
  requestJson,
  TestServices,
  undocumentedRoutes,
  uniqueTopic,
  type TestDatabase,
} from '@platform/testing';

import {
  flagsService,
  type FlagsServiceInstance,
} from '../../../flags-service/test/flags-service.harness.js';
import { idService, type IdServiceInstance } from '../../../id-service/test/id-service.harness.js';
import { UNREACHABLE_EXTENSION, type PlatformApiDocument } from '../../src/openapi/merge-documents.js';
import { ADMIN_HEADERS, gateway, untilListed, type GatewayInstance } from '../gateway.harness.js';
import { startScriptedUpstream, type ScriptedUpstream } from '../scripted-upstream.js';

/** The gateway's own routes that stand for many: documented path by path instead. */
const PROXY_ROUTES = ['/api/*', '/admin/services/:service/*'];

describe('the gateway’s GET /openapi.json and /docs', () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('gateway-openapi');
  let databases: TestDatabase[] = [];
  let edge: GatewayInstance;
  let ids: IdServiceInstance;
  let flags: FlagsServiceInstance;
  let legacy: ScriptedUpstream;
  let document: PlatformApiDocument;

  const call = documentedCaller(
    () => edge.url,
    () => document,
  );
  const matches = (status: number, method: string, path: string) =>
    matchesDocument(status, `${method} ${path}`);

  beforeAll(async () => {
    databases = await Promise.all([
      createTestDatabase('gateway_openapi_ids'),
      createTestDatabase('gateway_openapi_flags'),
    ]);
    edge = await services.start(gateway({ registryTopic, instanceId: 'gateway-openapi' }));
    ids = await services.start(
      idService({ registryTopic, instanceId: 'id-openapi', databaseUrl: databases[0]!.url }),
    );
    flags = await services.start(
      flagsService({ registryTopic, instanceId: 'flags-openapi', databaseUrl: databases[1]!.url }),
    );
    // A service that serves no OpenAPI document (it answers 200 with something else).
    legacy = await startScriptedUpstream({
      registryTopic,
      service: 'legacy-service',
      instanceId: 'legacy-1',
    });
    await untilListed(edge, 'id-service', ['id-openapi']);
    await untilListed(edge, 'flags-service', ['flags-openapi']);
    await untilListed(edge, 'legacy-service', ['legacy-1']);
    const answer = await requestJson<PlatformApiDocument>(`${edge.url}/openapi.json`);
    expect(answer.status).toBe(200);
    document = answer.body;
  }, 60_000);

  afterAll(async () => {
    await services.stopAll();
    await legacy?.stop();
    await Promise.allSettled(databases.map((db) => db.drop()));
  });

  it('serves one valid document with its own routes, each answered', async () => {
    expect(await openApiProblems(document)).toEqual([]);
    expect(undocumentedRoutes(edge.routes(), document, PROXY_ROUTES)).toEqual([]);
    expect(operationsWithoutAnswers(document)).toEqual([]);
  });

  it('lists every route of each service at the path that reaches it through the gateway', () => {
    for (const [service, instance] of [
      ['id-service', ids],
      ['flags-service', flags],
    ] as const) {
      const listed = Object.entries(document.paths).flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([, operation]) => operation.operationId.startsWith(`${service}.`))
          .map(([method]) => `${method.toUpperCase()} ${path}`),
      );
      expect(listed).toHaveLength(instance.routes().length);
      for (const route of instance.routes())
        expect(listed).toContainEqual(
          expect.stringMatching(new RegExp(`^${route.method} .*${escape(openApiPath(route.url))}$`)),
        );
    }
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/ids/{kind}',
        '/api/ids/{kind}/{id}',
        '/admin/services/id-service/admin/clock',
        '/admin/services/id-service/health/ready',
        '/api/flags/{key}/evaluate',
        '/admin/services/flags-service/segments/{key}',
        '/admin/registry',
        '/docs',
      ]),
    );
    // A service's route is never listed at its own path, where the gateway would not answer it.
    expect(Object.keys(document.paths).filter((path) => /^\/(ids|flags|segments)\b/.test(path))).toEqual([]);
  });

  it('names each service whose document it could not get, and why, and still serves the others', () => {
    expect(document[UNREACHABLE_EXTENSION]).toEqual([
      { service: 'legacy-service', problem: expect.stringContaining('other than an OpenAPI document') },
      // Routed by default (GATEWAY_ROUTES), not started here.
      { service: 'user-service', problem: expect.stringContaining('no live instance') },
    ]);
    expect(document.info.description).toContain('legacy-service');
  });

  it('answers as documented, through /api, through /admin/services and on its own admin API', async () => {
    expect(await call('/api/ids/snowflake?count=2', { method: 'POST' })).toMatchObject(
      matches(200, 'POST', '/api/ids/snowflake?count=2'),
    );
    expect(await call('/api/ids/nonsense', { method: 'POST' })).toMatchObject(
      matches(400, 'POST', '/api/ids/nonsense'),
    );
    expect(
      await call('/api/flags/dark-mode', { method: 'PUT', headers: ADMIN_HEADERS, json: { enabled: true } }),
    ).toMatchObject(matches(201, 'PUT', '/api/flags/dark-mode'));
    expect(
      await call('/api/flags/dark-mode/evaluate', { method: 'POST', json: { context: { userId: 'u-1' } } }),
    ).toMatchObject(matches(200, 'POST', '/api/flags/dark-mode/evaluate'));
    for (const path of [
      '/admin/services/id-service/admin/weight',
      '/admin/services/flags-service/segments',
      '/admin/services/id-service/health/ready',
      '/admin/registry',
      '/admin/routes',
      '/admin/upstreams',
      '/admin/prometheus/targets',
      '/admin/releases',
    ])
      expect(await call(path, { headers: ADMIN_HEADERS })).toMatchObject(matches(200, 'GET', path));
    expect(await call('/admin/services/id-service/admin/weight')).toMatchObject(
      matches(401, 'GET', '/admin/services/id-service/admin/weight'),
    );
    expect(await call('/admin/releases/id-service', { headers: ADMIN_HEADERS })).toMatchObject(
      matches(404, 'GET', '/admin/releases/id-service'),
    );
  });

  it('serves Swagger UI at /docs, every file its page loads, and nothing else', async () => {
    const page = await fetch(`${edge.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<div id="swagger-ui"></div>');

    const loaded = [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((match) => match[1]!);
    expect(loaded).toHaveLength(7);
    for (const url of loaded) {
      const asset = await fetch(`${edge.url}${url}`);
      expect({ url, status: asset.status }).toEqual({ url, status: 200 });
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    expect(await (await fetch(`${edge.url}/docs/swagger-initializer.js`)).text()).toContain(
      '"/openapi.json"',
    );
    expect(await call('/docs/package.json')).toMatchObject(matches(404, 'GET', '/docs/package.json'));
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
}
