import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { FakePlatform } from '../../test/fakes.js';
import { ControlServer } from './control-server.js';
import { PlatformControl } from './platform-control.js';

const TOKEN = 'control-token-control-token';

let platform: FakePlatform;
let server: ControlServer;
let url: string;

beforeEach(async () => {
  platform = new FakePlatform();
  server = new ControlServer(new PlatformControl(platform, () => undefined), TOKEN);
  url = await server.listen();
});

afterEach(async () => {
  await server.close();
});

async function call(method: string, path: string, body?: unknown, token: string | null = TOKEN) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, never> };
}

describe(ControlServer.name, () => {
  it('listens on an ephemeral loopback port', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toBe('http://127.0.0.1:0');
  });

  it('answers 401 without the admin token or with a wrong one, whatever its length', async () => {
    const missing = await call('GET', '/instances', undefined, null);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({
      error: {
        code: 'unauthenticated',
        message: expect.stringContaining('"Authorization: Bearer <adminToken>"'),
      },
    });
    for (const wrong of ['x'.repeat(TOKEN.length), 'short', `${TOKEN}-and-more`]) {
      const answer = await call('GET', '/instances', undefined, wrong);
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({
        error: { code: 'unauthenticated', message: 'the admin token is wrong' },
      });
    }
    expect((await call('GET', '/instances')).status).toBe(200);
  });

  it('checks the token before anything else, so a stranger learns nothing about endpoints or bodies', async () => {
    expect((await call('GET', '/secrets', undefined, null)).status).toBe(401);
    expect((await call('POST', '/instances', 'not json', 'wrong')).status).toBe(401);
    expect(platform.starts).toEqual([]);
    const unknown = await call('GET', '/secrets');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({
      message: expect.stringContaining('the endpoints are GET /instances'),
    });
  });

  it('lists the running instances with their version, track and state', async () => {
    await platform.instances[2]!.stop();
    const { status, body } = await call('GET', '/instances');
    expect(status).toBe(200);
    expect(body).toEqual({
      instances: [
        expect.objectContaining({
          instanceId: 'gateway-1',
          version: '0.1.0',
          track: 'stable',
          state: 'ready',
        }),
        {
          service: 'user-service',
          instanceId: 'user-service-1',
          version: '0.1.0',
          track: 'stable',
          pid: 4242,
          port: 3201,
          url: 'http://127.0.0.1:3201',
          state: 'ready',
          logFile: '/tmp/fake.log',
        },
      ],
    });
  });

  it.each([
    ['', 'the body is empty; send a JSON object'],
    ['{"service":', 'the body is not valid JSON'],
    ['[]', 'invalid body: the body must be a JSON object like {"service":"user-service","version":"0.2.0"}'],
    [{}, 'invalid body: service is required and must be a service name'],
    [{ service: 'user-service', count: 0 }, 'invalid body: count must be a whole number from 1 to 20'],
    [{ service: 'user-service', count: 21 }, 'invalid body: count must be a whole number from 1 to 20'],
    [{ service: 'user-service', count: 1.5 }, 'invalid body: count must be a whole number from 1 to 20'],
    [{ service: 'user-service', count: '2' }, 'invalid body: count must be a whole number from 1 to 20'],
    [{ service: 'user-service', version: '-1' }, 'invalid body: version must be 1-64 letters, digits'],
    [
      { service: 'user-service', version: 'v'.repeat(65) },
      'invalid body: version must be 1-64 letters, digits',
    ],
    [{ service: 'user-service', track: 'dark launch' }, 'invalid body: track must be 1-64 letters, digits'],
    [{ service: 'user-service', colour: 'blue' }, 'invalid body: unknown field "colour"'],
  ])('answers 400 to POST /instances with %j, saying what to fix', async (body, message) => {
    const answer = await call('POST', '/instances', body);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: { code: 'invalid_request', message: expect.stringContaining(message) },
    });
    expect(platform.starts).toEqual([]);
  });

  it("starts instances at the service's current version on the stable track unless told otherwise", async () => {
    platform.setCurrentVersion('user-service', '0.3.0');
    const first = await call('POST', '/instances', { service: 'user-service' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      instances: [
        expect.objectContaining({
          instanceId: 'user-service-3',
          version: '0.3.0',
          track: 'stable',
          readyInMs: 1_500,
        }),
      ],
    });
    await call('POST', '/instances', {
      service: 'user-service',
      version: '0.4.0',
      track: 'canary',
      count: 2,
    });
    expect(platform.starts).toEqual([
      { service: 'user-service', release: { version: '0.3.0', track: 'stable' }, count: 1 },
      { service: 'user-service', release: { version: '0.4.0', track: 'canary' }, count: 2 },
    ]);
  });

  it('will not release or stop the gateway, and says why', async () => {
    const release = await call('POST', '/instances', { service: 'gateway', version: '0.2.0' });
    expect(release.status).toBe(400);
    expect(release.body.error).toMatchObject({
      code: 'gateway_not_releasable',
      message: expect.stringContaining('the gateway is the edge; releasing it is not supported'),
    });
    expect((await call('DELETE', '/instances/gateway-1')).status).toBe(400);
    expect((await call('PUT', '/services/gateway/version', { version: '0.2.0' })).status).toBe(400);
    expect(platform.starts).toEqual([]);
  });

  it('answers 404 for a service or an instance it does not have', async () => {
    const service = await call('POST', '/instances', { service: 'billing-service' });
    expect(service.status).toBe(404);
    expect(service.body.error).toMatchObject({
      message: expect.stringContaining('unknown service "billing-service"'),
    });
    const instance = await call('DELETE', '/instances/user-service-9');
    expect(instance.status).toBe(404);
    expect(instance.body.error).toMatchObject({ code: 'instance_not_found' });
  });

  it('stops an instance gracefully but never the last ready one of its service', async () => {
    const first = await call('DELETE', '/instances/user-service-1');
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      instance: expect.objectContaining({ instanceId: 'user-service-1', state: 'stopping' }),
      stoppedInMs: expect.any(Number),
    });
    expect(platform.instances[1]!.running).toBe(false);
    const last = await call('DELETE', '/instances/user-service-2');
    expect(last.status).toBe(409);
    expect(last.body.error).toMatchObject({
      code: 'last_instance',
      message: expect.stringContaining('user-service-2 is the last ready instance of user-service'),
    });
    expect(platform.instances[2]!.running).toBe(true);
  });

  it('sets the version new instances of a service get, after checking it', async () => {
    expect((await call('PUT', '/services/user-service/version', { version: 'not a version' })).status).toBe(
      400,
    );
    expect((await call('PUT', '/services/user-service/version', {})).status).toBe(400);
    const set = await call('PUT', '/services/user-service/version', { version: '0.2.0' });
    expect(set).toEqual({ status: 200, body: { service: 'user-service', version: '0.2.0' } });
    const { body } = await call('GET', '/services');
    expect(body).toMatchObject({
      services: expect.arrayContaining([{ service: 'user-service', version: '0.2.0' }]),
    });
  });

  it('restarts an instance: stops it if it still runs, starts one like it, and says which', async () => {
    const answer = await call('POST', '/instances/user-service-1/restart');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      stopped: expect.objectContaining({ instanceId: 'user-service-1', state: 'stopping' }),
      started: expect.objectContaining({ instanceId: 'user-service-3', version: '0.1.0', track: 'stable' }),
    });
    expect(platform.instances[1]!.running).toBe(false);
    // An instance that was killed has exited already: restarting it only starts its replacement.
    expect((await call('POST', '/instances/user-service-1/restart')).status).toBe(200);
    expect(platform.starts).toHaveLength(2);
    expect((await call('POST', '/instances/user-service-9/restart')).status).toBe(404);
    expect((await call('POST', '/instances/gateway-1/restart')).status).toBe(400);
  });

  it('lists, stops and starts the infrastructure it started, by name', async () => {
    const list = await call('GET', '/infrastructure');
    expect(list.body).toEqual({
      infrastructure: [
        { name: 'postgres-a', pid: 5000, address: '127.0.0.1:5433', state: 'running' },
        { name: 'postgres-b', pid: 5001, address: '127.0.0.1:5434', state: 'running' },
        { name: 'kafka', pid: 5002, address: '127.0.0.1:5435', state: 'running' },
      ],
    });
    const stopped = await call('POST', '/infrastructure/postgres-b/stop');
    expect(stopped).toEqual({
      status: 200,
      body: {
        infrastructure: { name: 'postgres-b', pid: null, address: '127.0.0.1:5434', state: 'stopped' },
        tookMs: expect.any(Number),
      },
    });
    const started = await call('POST', '/infrastructure/postgres-b/start');
    expect(started.body).toMatchObject({ infrastructure: { name: 'postgres-b', state: 'running' } });
  });

  it('answers 404 for infrastructure it did not start, naming what it has', async () => {
    platform.infra.delete('kafka');
    const answer = await call('POST', '/infrastructure/kafka/stop');
    expect(answer.status).toBe(404);
    expect(answer.body.error).toMatchObject({
      code: 'infrastructure_not_found',
      message: expect.stringContaining('it has postgres-a, postgres-b'),
    });
    expect((await call('POST', '/infrastructure/postgres-a/reboot')).status).toBe(404);
  });
});
