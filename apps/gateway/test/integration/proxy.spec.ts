import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { decodeSnowflake } from '@platform/ids';
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

import {
  flagsService,
  type FlagsServiceInstance,
} from '../../../flags-service/test/flags-service.harness.js';
import {
  idService,
  type IdServiceInstance,
  type WorkerLeaseHealth,
} from '../../../id-service/test/id-service.harness.js';
import { ProxyRoutes, SERVED_BY_HEADER } from '../../src/proxy/proxy.routes.js';
import { startEchoUpstream, type EchoedRequest, type EchoUpstream } from '../echo-upstream.js';
import { gateway, listedInstances, untilListed, type GatewayInstance } from '../gateway.harness.js';

interface IssuedIds {
  readonly ids: string[];
}

interface FlagJson {
  readonly key: string;
  readonly enabled: boolean;
  readonly description: string | null;
}

/** A request through node:http, which sends headers exactly as given (fetch would refuse some). */
function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer },
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: options.method ?? 'GET',
      headers: options.headers,
      agent: false,
    });
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    });
    request.end(options.body);
  });
}

describe(ProxyRoutes.name, () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('gateway-proxy');
  let idDatabase: TestDatabase;
  let flagsDatabase: TestDatabase;
  let edge: GatewayInstance;
  let idA: IdServiceInstance;
  let idB: IdServiceInstance;
  let flags: FlagsServiceInstance;
  let echo: EchoUpstream;

  const issueThroughGateway = () =>
    requestJson<IssuedIds & ErrorBody>(`${edge.url}/api/ids/snowflake?count=2`, { method: 'POST' });

  beforeAll(async () => {
    [idDatabase, flagsDatabase] = await Promise.all([
      createTestDatabase('gateway_proxy_ids'),
      createTestDatabase('gateway_proxy_flags'),
    ]);
    edge = await services.start(
      gateway({
        registryTopic,
        instanceId: 'gateway-proxy',
        // Round robin on this route, so the alternation between instances is exact.
        env: { GATEWAY_ROUTE_POLICIES: JSON.stringify({ ids: { upstream: { strategy: 'round-robin' } } }) },
      }),
    );
    idA = await services.start(idService({ registryTopic, instanceId: 'id-a', databaseUrl: idDatabase.url }));
    // Drains like a real deployment, so callers learn it left before it stops serving.
    idB = await services.start(
      idService({
        registryTopic,
        instanceId: 'id-b',
        databaseUrl: idDatabase.url,
        env: { SHUTDOWN_DRAIN_MS: '1000' },
      }),
    );
    flags = await services.start(
      flagsService({ registryTopic, instanceId: 'flags-1', databaseUrl: flagsDatabase.url }),
    );
    echo = await startEchoUpstream({
      registryTopic,
      service: 'echo-service',
      instanceId: 'echo-1',
      routes: 'echo',
    });
    await untilListed(edge, 'id-service', ['id-a', 'id-b']);
    await untilListed(edge, 'flags-service', ['flags-1']);
    await untilListed(edge, 'echo-service', ['echo-1']);
  });

  afterAll(async () => {
    await echo?.stop();
    await services.stopAll();
    await Promise.allSettled([idDatabase?.drop(), flagsDatabase?.drop()]);
  });

  it('forwards /api/ids/... to id-service, alternating between its two instances', async () => {
    const workerOf = new Map<string, number | undefined>();
    for (const instance of [idA, idB]) {
      const { body } = await requestJson<WorkerLeaseHealth>(`${instance.url}/health/ready`);
      workerOf.set(instance.instanceId, body.info?.['worker-lease']?.workerId);
    }

    const servedBy: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { status, headers, body } = await issueThroughGateway();
      expect(status).toBe(200);
      const instance = headers.get(SERVED_BY_HEADER) ?? '';
      servedBy.push(instance);
      for (const id of body.ids) expect(decodeSnowflake(BigInt(id)).workerId).toBe(workerOf.get(instance));
    }

    expect(new Set(servedBy)).toEqual(new Set(['id-a', 'id-b']));
    servedBy.forEach((instance, i) => {
      if (i > 0) expect(instance).not.toBe(servedBy[i - 1]);
    });
  });

  it('forwards a PUT with a JSON body to flags-service, and a GET reads it back', async () => {
    const body = '{ "enabled" : true,\n  "description": "naïve café ✓" }';

    const written = await requestJson<FlagJson>(`${edge.url}/api/flags/checkout-v2`, {
      method: 'PUT',
      rawBody: body,
      // The Authorization header travels through the gateway untouched: flag changes need the admin token.
      headers: {
        'content-type': 'application/json; charset=utf-8',
        authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
      },
    });
    const read = await requestJson<FlagJson>(`${edge.url}/api/flags/checkout-v2`);
    const listed = await requestJson<{ flags: FlagJson[] }>(`${edge.url}/api/flags`);

    expect(written.status).toBe(201);
    expect(written.headers.get(SERVED_BY_HEADER)).toBe('flags-1');
    expect(written.body).toMatchObject({ key: 'checkout-v2', enabled: true, description: 'naïve café ✓' });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(written.body);
    expect(listed.body.flags.map((flag) => flag.key)).toContain('checkout-v2');
  });

  it('forwards the body bytes exactly as sent', async () => {
    const bytes = Buffer.from([0x00, 0xff, 0x7b, 0x0d, 0x0a, 0xc3, 0x28, 0x80, 0x22]);

    const { status, body } = await rawRequest(`${edge.url}/api/echo/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });

    expect(status).toBe(200);
    const echoed = JSON.parse(body.toString('utf8')) as EchoedRequest;
    expect(echoed).toMatchObject({ method: 'POST', url: '/echo/upload' });
    expect(Buffer.from(echoed.bodyBase64, 'base64')).toEqual(bytes);
  });

  it('answers 404 route_not_found for a path segment no service owns', async () => {
    const { status, body } = await requestJson<ErrorBody>(`${edge.url}/api/segment/anything?x=1`);

    expect(status).toBe(404);
    expect(body.error.code).toBe('route_not_found');
    expect(body.error.message).toContain('GET /api/segment/anything');
  });

  it('answers 503 naming user-service for its route while no instance of it runs', async () => {
    const { status, headers, body } = await requestJson<ErrorBody>(`${edge.url}/api/users/42`);

    expect(status).toBe(503);
    expect(headers.get('retry-after')).toBe('1');
    expect(body.error.code).toBe('no_instances');
    expect(body.error.message).toContain('user-service');
  });

  it('drops hop-by-hop headers both ways and adds X-Forwarded-* and the request id', async () => {
    const { status, headers, body } = await rawRequest(`${edge.url}/api/echo/headers?q=1`, {
      headers: {
        connection: 'x-custom',
        'x-custom': 'for the next hop only',
        te: 'trailers',
        'keep-alive': 'timeout=5',
        'proxy-authorization': 'Basic c2VjcmV0',
        'x-kept': 'for the upstream',
        'x-forwarded-for': '203.0.113.9',
        'x-request-id': 'hop-test-0001',
      },
    });

    expect(status).toBe(200);
    const seen = (JSON.parse(body.toString('utf8')) as EchoedRequest).headers;
    expect(seen['x-custom']).toBeUndefined();
    expect(seen.te).toBeUndefined();
    expect(seen['keep-alive']).toBeUndefined();
    expect(seen['proxy-authorization']).toBeUndefined();
    expect(seen).toMatchObject({
      'x-kept': 'for the upstream',
      'x-forwarded-for': '203.0.113.9, 127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': `127.0.0.1:${edge.port}`,
      'x-forwarded-prefix': '/api',
      'x-request-id': 'hop-test-0001',
    });
    expect(headers['x-request-id']).toBe('hop-test-0001');
    expect(headers['x-upstream-hop']).toBeUndefined();
    expect(headers['x-upstream-kept']).toBe('for the client');
    expect(headers[SERVED_BY_HEADER]).toBe('echo-1');
  });

  it('passes the request id on to the service, which logs its request under it', async () => {
    const { status, headers } = await requestJson(`${edge.url}/api/flags`, {
      headers: { 'x-request-id': 'trace-flags-0042' },
    });

    expect(status).toBe(200);
    expect(headers.get('x-request-id')).toBe('trace-flags-0042');
    await eventually(() =>
      expect(
        flags.logs.matching('request completed', (line) => line.requestId === 'trace-flags-0042'),
      ).toEqual([expect.objectContaining({ method: 'GET', url: '/flags', status: 200 })]),
    );
  });

  // Last: it stops id-b.
  it('drops a gracefully stopped id-service instance within about a second, failing no request meanwhile', async () => {
    const statuses: number[] = [];
    const servedBy: string[] = [];
    let stopped = false;
    const loop = async () => {
      while (!stopped) {
        const { status, headers } = await issueThroughGateway();
        statuses.push(status);
        servedBy.push(headers.get(SERVED_BY_HEADER) ?? '');
      }
    };
    const loops = [loop(), loop()];
    await eventually(() => expect(new Set(servedBy)).toEqual(new Set(['id-a', 'id-b'])));

    const shutdownStarted = Date.now();
    const shutdown = idB.shutdown('test');
    await eventually(async () => expect(await listedInstances(edge, 'id-service')).toEqual(['id-a']), {
      timeoutMs: 1_500,
      intervalMs: 25,
    });
    const goneAfterMs = Date.now() - shutdownStarted;
    await shutdown;
    const countAtStop = statuses.length;
    await eventually(() => expect(statuses.length).toBeGreaterThan(countAtStop + 20));
    stopped = true;
    await Promise.all(loops);

    expect(goneAfterMs).toBeLessThan(1_500);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(servedBy.slice(countAtStop)).not.toContain('id-b');
  });
});
