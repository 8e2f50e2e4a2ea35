import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from '@jest/globals';

import { createLogger, runWithRequestContext } from '@platform/observability';

import { NoInstancesError, UpstreamTimeoutError, UpstreamUnreachableError } from './errors.js';
import { INSTANCE_RECORD_VERSION } from './instance-record.js';
import { ServiceClient, type ServiceClientOptions } from './service-client.js';
import { toServiceInstance, type ServiceInstance } from './service-instance.js';

const logger = createLogger({ service: 'test', instance: 'test', level: 'silent' });

interface Upstream {
  readonly instance: ServiceInstance;
  /** Requests that reached this instance, as `METHOD path`. */
  readonly received: string[];
  readonly headers: IncomingMessage['headers'][];
}

const servers: Server[] = [];
const clients: ServiceClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

function instanceAt(id: string, port: number): ServiceInstance {
  return toServiceInstance({
    v: INSTANCE_RECORD_VERSION,
    service: 'users',
    instanceId: id,
    host: '127.0.0.1',
    port,
    version: '1.0.0',
    zone: 'local',
    metadata: {},
    ttlMs: 10_000,
    status: 'up',
    heartbeatAt: Date.now(),
    startedAt: Date.now(),
  });
}

/** A real HTTP server on a free port; by default it answers with its own id. */
async function upstream(
  id: string,
  handle: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ servedBy: id }));
  },
): Promise<Upstream> {
  const received: string[] = [];
  const headers: IncomingMessage['headers'][] = [];
  const server = createServer((request, response) => {
    received.push(`${request.method} ${request.url}`);
    headers.push(request.headers);
    // Read the body before answering, like a real service.
    request.resume();
    request.on('end', () => handle(request, response));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { instance: instanceAt(id, (server.address() as AddressInfo).port), received, headers };
}

/** An instance whose port nothing listens on: connections to it are refused. */
async function deadInstance(id: string): Promise<ServiceInstance> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return instanceAt(id, port);
}

function clientFor(instances: ServiceInstance[], options: Partial<ServiceClientOptions> = {}): ServiceClient {
  const client = new ServiceClient({
    instances: { instances: (service) => (service === 'users' ? instances : []) },
    logger,
    ...options,
  });
  clients.push(client);
  return client;
}

async function servedBy(client: ServiceClient, method = 'GET') {
  const response = await client.json<{ servedBy: string }>('users', {
    method,
    path: '/users/1',
    body: method === 'GET' ? undefined : {},
  });
  return response.body.servedBy;
}

describe(ServiceClient.name, () => {
  it('spreads requests over the instances in turn', async () => {
    const all = await Promise.all(['users-a', 'users-b', 'users-c'].map((id) => upstream(id)));
    const client = clientFor(all.map((u) => u.instance));

    const answers: string[] = [];
    for (let i = 0; i < 6; i++) answers.push(await servedBy(client));

    expect(answers).toEqual(['users-a', 'users-b', 'users-c', 'users-a', 'users-b', 'users-c']);
    expect(all.map((u) => u.received)).toEqual([
      ['GET /users/1', 'GET /users/1'],
      ['GET /users/1', 'GET /users/1'],
      ['GET /users/1', 'GET /users/1'],
    ]);
  });

  it('sends a request refused by one instance to another, even a POST, and then skips the dead one', async () => {
    const live = await upstream('users-b');
    const client = clientFor([await deadInstance('users-a'), live.instance]);

    const first = await client.request('users', { method: 'POST', path: '/users', body: '{}' });
    await first.body.dump();
    expect(first).toMatchObject({ statusCode: 200, attempts: 2, instance: { id: 'users-b' } });

    // Quarantined: the next requests go straight to the live instance.
    for (let i = 0; i < 4; i++) {
      const next = await client.request('users', { method: 'POST', path: '/users', body: '{}' });
      await next.body.dump();
      expect(next).toMatchObject({ attempts: 1, instance: { id: 'users-b' } });
    }
    expect(live.received).toHaveLength(5);
  });

  it('tries the dead instance again once its quarantine is over', async () => {
    const live = await upstream('users-b');
    const client = clientFor([await deadInstance('users-a'), live.instance], { quarantineMs: 100 });
    await (await client.request('users', { method: 'GET', path: '/' })).body.dump();
    await new Promise((resolve) => setTimeout(resolve, 150));

    const response = await client.request('users', { method: 'GET', path: '/' });
    await response.body.dump();
    expect(response.attempts).toBe(2);
  });

  describe('when the connection breaks after the request was sent', () => {
    const resetting = () => upstream('users-a', (request) => request.socket.destroy());

    it('retries an idempotent request on another instance', async () => {
      const [broken, good] = [await resetting(), await upstream('users-b')];
      const client = clientFor([broken.instance, good.instance]);

      const response = await client.request('users', { method: 'PUT', path: '/users/1', body: '{}' });
      await response.body.dump();

      expect(response).toMatchObject({ statusCode: 200, attempts: 2, instance: { id: 'users-b' } });
      expect(broken.received).toEqual(['PUT /users/1']);
    });

    it('does not send a POST twice: it fails with UpstreamUnreachableError', async () => {
      const [broken, good] = [await resetting(), await upstream('users-b')];
      const client = clientFor([broken.instance, good.instance]);

      const failure = client.request('users', { method: 'POST', path: '/orders', body: '{}' });
      await expect(failure).rejects.toBeInstanceOf(UpstreamUnreachableError);
      await expect(failure).rejects.toMatchObject({
        code: 'upstream_unreachable',
        kind: 'bad_gateway',
        attempts: 1,
      });
      expect(broken.received).toEqual(['POST /orders']);
      expect(good.received).toEqual([]);
    });

    it('retries a POST that carries an Idempotency-Key', async () => {
      const [broken, good] = [await resetting(), await upstream('users-b')];
      const client = clientFor([broken.instance, good.instance]);

      const response = await client.request('users', {
        method: 'POST',
        path: '/orders',
        body: '{}',
        headers: { 'Idempotency-Key': 'order-77' },
      });
      await response.body.dump();
      expect(response.attempts).toBe(2);
      expect(good.headers[0]?.['idempotency-key']).toBe('order-77');
    });
  });

  it('gives up after maxAttempts instances, naming how many were tried', async () => {
    const dead = await Promise.all(
      ['users-a', 'users-b', 'users-c', 'users-d'].map((id) => deadInstance(id)),
    );
    const client = clientFor(dead, { maxAttempts: 3 });

    await expect(client.request('users', { method: 'GET', path: '/' })).rejects.toThrow(
      /^could not reach users \(3 instances tried\): .*ECONNREFUSED/,
    );
  });

  it('throws NoInstancesError, with a Retry-After, when the registry has no instance', async () => {
    const client = clientFor([]);
    const failure = client.request('users', { method: 'GET', path: '/' });
    await expect(failure).rejects.toBeInstanceOf(NoInstancesError);
    await expect(failure).rejects.toMatchObject({
      code: 'no_instances',
      kind: 'unavailable',
      retryAfterSeconds: 1,
      message: 'no live instance of users is in the registry',
    });
    await expect(client.request('billing', { method: 'GET', path: '/' })).rejects.toThrow(NoInstancesError);
  });

  it('gives up with UpstreamTimeoutError when an instance does not answer in time', async () => {
    const silent = await upstream('users-a', () => undefined);
    const client = clientFor([silent.instance], { requestTimeoutMs: 200 });

    const started = performance.now();
    await expect(client.request('users', { method: 'GET', path: '/' })).rejects.toBeInstanceOf(
      UpstreamTimeoutError,
    );
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('sends the request id of the request being served as x-request-id', async () => {
    const target = await upstream('users-a');
    const client = clientFor([target.instance]);

    await runWithRequestContext({ requestId: 'req-abc' }, () => servedBy(client));
    await servedBy(client);
    await runWithRequestContext({ requestId: 'req-abc' }, () =>
      client.json('users', { method: 'GET', path: '/', headers: { 'x-request-id': 'explicit' } }),
    );

    expect(target.headers.map((headers) => headers['x-request-id'])).toEqual([
      'req-abc',
      undefined,
      'explicit',
    ]);
  });
});
