import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from '@jest/globals';

import { createLogger, createRequestContext, runWithRequestContext } from '@platform/observability';

import { DEFAULT_BREAKER_SETTINGS, instanceBreakerName } from '@platform/breakers';
import { eventually } from '@platform/testing';

import { NoInstancesError, UpstreamTimeoutError, UpstreamUnreachableError } from '../errors.js';
import { INSTANCE_RECORD_VERSION } from '../instance-record.js';
import { toServiceInstance, type ServiceInstance } from '../service-instance.js';
import { ServiceClient, type ResolvedPolicy, type ServiceClientOptions } from './service-client.js';
import { DEFAULT_UPSTREAM_POLICY } from './upstream-policy.js';

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

type PolicyChange = {
  readonly [K in keyof ResolvedPolicy]?: ResolvedPolicy[K] extends object
    ? Partial<ResolvedPolicy[K]>
    : ResolvedPolicy[K];
};

/** Round robin (predictable for tests), the default limits otherwise, with `change` applied. */
function policy(change: PolicyChange = {}): ResolvedPolicy {
  const base: ResolvedPolicy = {
    ...DEFAULT_UPSTREAM_POLICY,
    strategy: 'round-robin',
    instanceBreaker: { ...DEFAULT_BREAKER_SETTINGS, volumeThreshold: 1_000, callTimeoutMs: 0 },
  };
  return {
    ...base,
    ...change,
    timeouts: { ...base.timeouts, ...change.timeouts },
    retries: { ...base.retries, ...change.retries },
    outlier: { ...base.outlier, ...change.outlier },
    instanceBreaker: { ...base.instanceBreaker, ...change.instanceBreaker },
  };
}

function clientFor(
  instances: ServiceInstance[],
  change: PolicyChange = {},
  options: Partial<ServiceClientOptions> = {},
): ServiceClient {
  const client = new ServiceClient({
    instances: { instances: (service) => (service === 'users' ? instances : []) },
    logger,
    defaultPolicy: policy(change),
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

    // Ejected: the next requests go straight to the live instance.
    for (let i = 0; i < 4; i++) {
      const next = await client.request('users', { method: 'POST', path: '/users', body: '{}' });
      await next.body.dump();
      expect(next).toMatchObject({ attempts: 1, instance: { id: 'users-b' } });
    }
    expect(live.received).toHaveLength(5);
  });

  it('tries the dead instance again once its ejection is over', async () => {
    const live = await upstream('users-b');
    const client = clientFor([await deadInstance('users-a'), live.instance], {
      outlier: { baseEjectionMs: 100, maxEjectionMs: 100 },
    });
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
    const client = clientFor(dead, { retries: { maxAttempts: 3 } });

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
    const client = clientFor([silent.instance], { timeouts: { perTryMs: 200, totalMs: 200 } });

    const started = performance.now();
    await expect(client.request('users', { method: 'GET', path: '/' })).rejects.toBeInstanceOf(
      UpstreamTimeoutError,
    );
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('counts nothing in flight once the caller gave up or the deadline passed', async () => {
    const stuck = await upstream('users-a', () => undefined); // never answers
    const client = clientFor([stuck.instance], { timeouts: { totalMs: 200, perTryMs: 10_000 } });
    const inflight = () => client.describe('users')[0]?.load.inflight;

    const caller = new AbortController();
    const abandoned = client.request('users', { method: 'GET', path: '/users/1', signal: caller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(inflight()).toBe(1);
    caller.abort();
    await expect(abandoned).rejects.toThrow();
    expect(inflight()).toBe(0);

    await expect(client.request('users', { method: 'GET', path: '/users/1' })).rejects.toBeInstanceOf(
      UpstreamTimeoutError,
    );
    expect(inflight()).toBe(0);
  });

  it('sends the request id of the request being served as x-request-id', async () => {
    const target = await upstream('users-a');
    const client = clientFor([target.instance]);
    const context = createRequestContext('req-abc');

    await runWithRequestContext(context, () => servedBy(client));
    await servedBy(client);
    await runWithRequestContext(context, () =>
      client.json('users', { method: 'GET', path: '/', headers: { 'x-request-id': 'explicit' } }),
    );

    expect(target.headers.map((headers) => headers['x-request-id'])).toEqual([
      'req-abc',
      undefined,
      'explicit',
    ]);
  });

  it("sends the trace of the request being served, with the request's span as the parent", async () => {
    const target = await upstream('users-a');
    const client = clientFor([target.instance]);
    const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const context = createRequestContext('req-1', { traceparent: incoming, tracestate: 'congo=t61rcWkgMzE' });
    const fresh = createRequestContext('req-2');

    await runWithRequestContext(context, () => servedBy(client));
    await runWithRequestContext(fresh, () =>
      // A stray tracestate of the caller's does not travel with a trace it does not belong to.
      client.json('users', { method: 'GET', path: '/', headers: { tracestate: 'stray=1' } }),
    );
    await servedBy(client);

    const sent = target.headers.map((headers) => [headers['traceparent'], headers['tracestate']]);
    expect(sent).toEqual([
      [`00-4bf92f3577b34da6a3ce929d0e0e4736-${context.trace.spanId}-01`, 'congo=t61rcWkgMzE'],
      [`00-${fresh.trace.traceId}-${fresh.trace.spanId}-01`, undefined],
      // Outside a request there is nothing to continue: the callee starts a trace.
      [undefined, undefined],
    ]);
  });

  it('sends the same traceparent on every attempt of a retried request', async () => {
    const failing = await upstream('users-a', (_request, response) => {
      response.statusCode = 503;
      response.end('{}');
    });
    const healthy = await upstream('users-b');
    const client = clientFor([failing.instance, healthy.instance], {}, { random: () => 0 });
    const context = createRequestContext('req-1');

    for (let i = 0; i < 4; i++) await runWithRequestContext(context, () => servedBy(client));

    const sent = [...failing.headers, ...healthy.headers].map((headers) => headers['traceparent']);
    expect(failing.headers.length).toBeGreaterThan(0);
    expect(new Set(sent)).toEqual(new Set([context.trace.traceparent]));
  });

  describe('when an instance answers with a server error', () => {
    const failing = (id: string, status = 503) =>
      upstream(id, (_request, response) => {
        response.statusCode = status;
        response.end('{}');
      });

    it('sends an idempotent request to another instance, but not a POST', async () => {
      const [bad, good] = [await failing('users-a'), await upstream('users-b')];
      const client = clientFor([bad.instance, good.instance]);

      const get = await client.request('users', { method: 'GET', path: '/users/1' });
      await get.body.dump();
      expect(get).toMatchObject({ statusCode: 200, attempts: 2, instance: { id: 'users-b' } });

      // Round robin comes back to the failing instance for the POST, which keeps its 503.
      const post = await client.request('users', { method: 'POST', path: '/orders', body: '{}' });
      await post.body.dump();
      expect(post).toMatchObject({ statusCode: 503, attempts: 1, instance: { id: 'users-a' } });
    });

    it("passes the last instance's own answer on rather than retrying with nowhere left to go", async () => {
      const only = await failing('users-a');
      const client = clientFor([only.instance]);

      const get = await client.request('users', { method: 'GET', path: '/users/1' });
      await get.body.dump();
      expect(get).toMatchObject({ statusCode: 503, attempts: 1, instance: { id: 'users-a' } });
      expect(only.received).toHaveLength(1);
      expect(client.retryBudgetRemaining('users')).toBeGreaterThan(0);
    });

    it('ejects an instance after consecutive failures, for longer each time it happens again', async () => {
      const [bad, good] = [await failing('users-a'), await upstream('users-b')];
      const client = clientFor([bad.instance, good.instance], {
        retries: { maxAttempts: 1 },
        outlier: { consecutiveFailures: 3, baseEjectionMs: 200, maxEjectionMs: 10_000 },
      });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const response = await client.request('users', { method: 'GET', path: '/' });
        await response.body.dump();
        statuses.push(response.statusCode);
      }
      // Three 503s (every other request), then the bad instance is out and everything succeeds.
      expect(statuses.filter((s) => s === 503)).toHaveLength(3);
      expect(statuses.slice(6)).toEqual([200, 200, 200, 200, 200, 200]);
      const ejection = client.describe('users').find((e) => e.instance.id === 'users-a')?.ejection;
      expect(ejection).toMatchObject({ count: 1 });

      await new Promise((resolve) => setTimeout(resolve, 250));
      for (let i = 0; i < 6; i++)
        await (await client.request('users', { method: 'GET', path: '/' })).body.dump();
      expect(client.describe('users').find((e) => e.instance.id === 'users-a')?.ejection).toMatchObject({
        count: 2,
      });
    });

    it('ejects a dead instance of the version a release pins, whatever is ejected at another version', async () => {
      // A canary release: 2.0.0 has lost an instance, and so has the stable 1.0.0 since.
      const [stable, candidate] = [await upstream('users-a'), await upstream('users-d')];
      const client = clientFor([
        stable.instance,
        await deadInstance('users-b'),
        { ...(await deadInstance('users-c')), version: '2.0.0' },
        { ...candidate.instance, version: '2.0.0' },
      ]);
      const statusAt = async (version: string) => {
        const response = await client.request('users', { method: 'GET', path: '/', version });
        await response.body.dump();
        return response.statusCode;
      };
      for (let i = 0; i < 4; i++) expect(await statusAt('2.0.0')).toBe(200);
      for (let i = 0; i < 4; i++) expect(await statusAt('1.0.0')).toBe(200);

      // Half of each version is out: the cap counts the instances a request could go to.
      const ejected = client
        .describe('users')
        .filter((entry) => entry.ejection !== undefined)
        .map((entry) => entry.instance.id);
      expect(ejected.sort()).toEqual(['users-b', 'users-c']);
    });

    it('sends a request that names an instance to that one only, and tries no other when it is down', async () => {
      const [a, b] = [await upstream('users-a'), await upstream('users-b')];
      const client = clientFor([a.instance, b.instance, await deadInstance('users-c')]);
      for (let i = 0; i < 4; i++) {
        const response = await client.request('users', { method: 'GET', path: '/', instance: 'users-b' });
        await response.body.dump();
        expect(response.instance.id).toBe('users-b');
      }
      expect([a.received.length, b.received.length]).toEqual([0, 4]);

      await expect(
        client.request('users', { method: 'GET', path: '/', instance: 'users-c' }),
      ).rejects.toBeInstanceOf(UpstreamUnreachableError);
      await expect(
        client.request('users', { method: 'GET', path: '/', instance: 'users-z' }),
      ).rejects.toBeInstanceOf(NoInstancesError);
      expect([a.received.length, b.received.length]).toEqual([0, 4]);
    });

    it('keeps retries within the budget when every instance fails', async () => {
      const all = await Promise.all(['users-a', 'users-b', 'users-c'].map((id) => failing(id, 500)));
      const client = clientFor(
        all.map((u) => u.instance),
        {
          retries: { maxAttempts: 3, budgetPercent: 20, minRetriesPerSecond: 0 },
          outlier: { consecutiveFailures: 1_000 },
        },
      );
      for (let i = 0; i < 100; i++)
        await (await client.request('users', { method: 'GET', path: '/' })).body.dump();

      const sent = all.reduce((total, u) => total + u.received.length, 0);
      // Without a budget 100 requests would have become 300 attempts.
      expect(sent).toBeGreaterThanOrEqual(100);
      expect(sent).toBeLessThanOrEqual(120);
      expect(client.retryBudgetRemaining('users')).toBe(0);
    });

    it('stops sending to an instance whose breaker opened', async () => {
      const [bad, good] = [await failing('users-a', 500), await upstream('users-b')];
      const client = clientFor([bad.instance, good.instance], {
        retries: { maxAttempts: 1 },
        outlier: { consecutiveFailures: 1_000 },
        instanceBreaker: { volumeThreshold: 4, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 },
      });
      for (let i = 0; i < 20; i++)
        await (await client.request('users', { method: 'GET', path: '/' })).body.dump();

      expect(client.describe('users').find((e) => e.instance.id === 'users-a')?.breaker).toBe('open');
      expect(bad.received.length).toBeLessThanOrEqual(5);
      expect(good.received.length).toBeGreaterThanOrEqual(15);
    });
  });

  describe("when an instance answers 5xx for a dependency's failure (x-failure-origin: dependency)", () => {
    const dependencyDown = (id: string) =>
      upstream(id, (_request, response) => {
        response.statusCode = 503;
        response.setHeader('x-failure-origin', 'dependency');
        response.end(JSON.stringify({ error: { code: 'shard_unavailable' } }));
      });

    it('passes the answer on, unretried, and holds nothing against the instance', async () => {
      const [shardDown, good] = [await dependencyDown('users-a'), await upstream('users-b')];
      const client = clientFor([shardDown.instance, good.instance], {
        retries: { budgetPercent: 20, minRetriesPerSecond: 0 },
        outlier: { consecutiveFailures: 2 },
        instanceBreaker: { volumeThreshold: 2, errorThresholdPercentage: 50 },
      });
      const outcomes: string[] = [];
      client.onEvent((event) => {
        if (event.type === 'attempt') outcomes.push(event.attempt.outcome);
      });

      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) {
        const response = await client.request('users', { method: 'GET', path: '/users/1' });
        statuses.push(response.statusCode);
        if (response.statusCode === 503) {
          expect(response).toMatchObject({ attempts: 1, headers: { 'x-failure-origin': 'dependency' } });
          expect(await response.body.json()).toEqual({ error: { code: 'shard_unavailable' } });
        } else await response.body.dump();
      }

      // Round robin keeps sending every other request there: each reached it once, and went nowhere else.
      expect(statuses).toEqual([503, 200, 503, 200, 503, 200, 503, 200, 503, 200]);
      expect([shardDown.received.length, good.received.length]).toEqual([5, 5]);
      expect(outcomes.filter((outcome) => outcome === 'dependency_error')).toHaveLength(5);
      const entry = client.describe('users').find((e) => e.instance.id === 'users-a');
      expect(entry).toMatchObject({ breaker: 'closed', ejection: undefined, load: { errorRate: 0 } });
      // 20% of 10 requests, none of it spent.
      expect(client.retryBudgetRemaining('users')).toBe(2);
    });

    it("still counts the instance's own 5xx after a dependency's, towards ejection", async () => {
      let own = false;
      const mixed = await upstream('users-a', (_request, response) => {
        response.statusCode = 503;
        if (!own) response.setHeader('x-failure-origin', 'dependency');
        own = !own;
        response.end('{}');
      });
      const client = clientFor([mixed.instance, (await upstream('users-b')).instance], {
        retries: { maxAttempts: 1 },
        outlier: { consecutiveFailures: 2 },
      });
      for (let i = 0; i < 8; i++)
        await (await client.request('users', { method: 'GET', path: '/' })).body.dump();
      // Its own failures were consecutive: the dependency's answers between them did not reset the count.
      expect(client.describe('users').find((e) => e.instance.id === 'users-a')?.ejection).toBeDefined();
    });
  });

  it('counts no failure against an instance for calls the caller abandoned', async () => {
    const slow = await upstream('users-a', () => undefined); // never answers
    const client = clientFor([slow.instance], {
      timeouts: { totalMs: 10_000, perTryMs: 10_000 },
      outlier: { consecutiveFailures: 2 },
      instanceBreaker: { volumeThreshold: 2, errorThresholdPercentage: 10 },
    });
    for (let i = 0; i < 5; i++) {
      const caller = new AbortController();
      const call = client.request('users', { method: 'GET', path: '/', signal: caller.signal });
      await new Promise((resolve) => setTimeout(resolve, 20));
      caller.abort();
      await expect(call).rejects.toThrow();
    }
    expect(slow.received).toHaveLength(5);
    expect(client.describe('users')[0]).toMatchObject({ breaker: 'closed', ejection: undefined });
    expect(client.breakers.get(instanceBreakerName('users', 'users-a'))?.stats()).toMatchObject({
      failures: 0,
    });
  });

  it('starts afresh what it measured of a frozen instance once its health probes pass again', async () => {
    let frozen = true;
    const thawing = await upstream('users-a', (request, response) => {
      if (request.url === '/health/ready') {
        response.statusCode = frozen ? 503 : 200;
        response.end();
      } else if (!frozen) response.end(JSON.stringify({ servedBy: 'users-a' }));
      // Frozen: the calls hang.
    });
    const client = clientFor(
      [thawing.instance],
      { timeouts: { totalMs: 10_000, perTryMs: 10_000 } },
      { healthCheckIntervalMs: 50 },
    );
    const caller = new AbortController();
    const hung = [1, 2].map(() =>
      client.request('users', { method: 'GET', path: '/', signal: caller.signal }).catch(() => undefined),
    );
    await eventually(() => expect(client.describe('users')[0]?.healthy).toBe(false));
    expect(client.describe('users')[0]?.load.inflight).toBe(2);

    frozen = false;
    await eventually(() => expect(client.describe('users')[0]?.healthy).toBe(true));
    // The two calls still hang, but no longer count: pickers see an idle instance again.
    expect(client.describe('users')[0]?.load).toMatchObject({ inflight: 0, latencyEwmaMs: 0 });
    caller.abort();
    await Promise.all(hung);
    expect(client.describe('users')[0]?.load.inflight).toBe(0);
  });

  it('stops sending to an instance whose /health/ready fails, and resumes once it passes', async () => {
    let ready = false;
    const flaky = await upstream('users-a', (request, response) => {
      response.statusCode = request.url === '/health/ready' && !ready ? 503 : 200;
      response.end(JSON.stringify({ servedBy: 'users-a' }));
    });
    const good = await upstream('users-b');
    const client = clientFor([flaky.instance, good.instance], {}, { healthCheckIntervalMs: 50 });
    await servedBy(client); // the client starts probing the services it uses
    await new Promise((resolve) => setTimeout(resolve, 150));

    const answers = new Set<string>();
    for (let i = 0; i < 6; i++) answers.add(await servedBy(client));
    expect(answers).toEqual(new Set(['users-b']));

    ready = true;
    await new Promise((resolve) => setTimeout(resolve, 150));
    for (let i = 0; i < 6; i++) answers.add(await servedBy(client));
    expect(answers).toEqual(new Set(['users-a', 'users-b']));
  });

  it('still tries an instance when every one is ejected (panic mode) rather than failing outright', async () => {
    const only = await upstream('users-a');
    const client = clientFor([only.instance]);
    // One instance can never be ejected (at most 50% of a service are), so it always gets traffic.
    expect(await servedBy(client)).toBe('users-a');
  });
});
