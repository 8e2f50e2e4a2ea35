import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kafka } from 'kafkajs';

import { instanceBreakerName } from '@platform/breakers';
import { createKafka, ensureTopic } from '@platform/kafka';
import { createLogger } from '@platform/observability';
import { eventually, testKafkaBrokers, uniqueTopic } from '@platform/testing';

import {
  DEFAULT_RESOLVED_POLICY,
  ServiceClient,
  type ClientEvent,
  type UpstreamResponse,
} from '../../src/client/service-client.js';
import { RegistryAnnouncer } from '../../src/registry-announcer.js';
import { RegistryView } from '../../src/registry-view.js';

/**
 * "Only upstream faults count" (issue 16), end to end: instances announced over the real registry
 * topic, real HTTP servers behind them, the client with its default policy (peak EWMA, 5 consecutive
 * failures eject, a breaker per instance opening at 50% of at least 10 calls).
 */
const logger = createLogger({ service: 'discovery-test', instance: 'test', level: 'silent' });
let kafka: Kafka;
/** Everything a test started, stopped after it in reverse order. */
const running: { stop(): Promise<void> }[] = [];

beforeAll(() => {
  kafka = createKafka({ brokers: testKafkaBrokers(), clientId: 'whose-fault-test', logger });
});

afterEach(async () => {
  for (const started of running.splice(0).reverse()) await started.stop();
});

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A real HTTP server for one instance; counts the requests that reached it. */
async function server(handle: Handler) {
  const received: string[] = [];
  const http = createServer((request, response) => {
    received.push(`${request.method} ${request.url}`);
    handle(request, response);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  running.push({
    stop: () => {
      http.closeAllConnections();
      return new Promise((resolve) => http.close(() => resolve()));
    },
  });
  return { port: (http.address() as AddressInfo).port, received };
}

const ok: Handler = (_request, response) => response.end('{"ok":true}');

function failing(origin: 'dependency' | undefined): Handler {
  return (_request, response) => {
    response.statusCode = 503;
    if (origin) response.setHeader('x-failure-origin', origin);
    response.end('{"error":{"code":"shard_unavailable"}}');
  };
}

/** Each handler behind an instance `users-<n>` announced on a registry topic of the test's own. */
async function platform(handlers: Handler[], strategy = DEFAULT_RESOLVED_POLICY.strategy) {
  const topic = uniqueTopic('registry');
  await ensureTopic(kafka, { topic, compacted: true });
  const servers = [];
  for (const [index, handle] of handlers.entries()) {
    const instance = await server(handle);
    servers.push(instance);
    const announcer = new RegistryAnnouncer({
      kafka,
      topic,
      logger,
      heartbeatIntervalMs: 500,
      instance: {
        service: 'users',
        instanceId: `users-${index}`,
        host: '127.0.0.1',
        port: instance.port,
        version: '1.0.0',
        zone: 'local',
        metadata: {},
        ttlMs: 10_000,
      },
    });
    running.push(announcer);
    announcer.start();
  }
  const view = new RegistryView({ kafka, topic, logger, viewerId: 'test', sweepIntervalMs: 100 });
  running.push(view);
  await view.start();
  await eventually(() => expect(view.instances('users')).toHaveLength(handlers.length), {
    timeoutMs: 20_000,
  });
  const client = new ServiceClient({
    instances: view,
    logger,
    defaultPolicy: { ...DEFAULT_RESOLVED_POLICY, strategy },
  });
  running.push({ stop: () => client.close() });
  const events: ClientEvent[] = [];
  client.onEvent((event) => events.push(event));
  return { client, servers, events };
}

/** What the client did over `count` GETs, and what it holds against each instance after them. */
async function drive(client: ServiceClient, events: ClientEvent[], count: number) {
  const answers: UpstreamResponse[] = [];
  for (let i = 0; i < count; i++) {
    const response = await client.request('users', { method: 'GET', path: `/users/${i}` });
    await response.body.dump();
    answers.push(response);
  }
  const attempts = events.flatMap((event) => (event.type === 'attempt' ? [event.attempt] : []));
  return {
    statuses: answers.map((answer) => answer.statusCode),
    failedAnswers: answers.filter((answer) => answer.statusCode === 503),
    retried: attempts.filter((attempt) => attempt.retried).length,
    ejections: events.filter((event) => event.type === 'ejected').length,
    dependencyErrors: attempts.filter((attempt) => attempt.outcome === 'dependency_error').length,
    state: client.describe('users').map((entry) => ({
      id: entry.instance.id,
      ejected: entry.ejection !== undefined,
      breaker: entry.breaker,
    })),
  };
}

describe('whose fault: only upstream faults count', () => {
  it('neither ejects nor retries an instance whose 503s name a dependency, over 50 calls', async () => {
    // Round robin, so that the instance gets its third of the calls (peak EWMA gave it 10 to 26 of 50).
    const { client, servers, events } = await platform([failing('dependency'), ok, ok], 'round-robin');

    const run = await drive(client, events, 50);

    // Every call reached exactly one instance: nothing was retried.
    expect(servers.reduce((total, s) => total + s.received.length, 0)).toBe(50);
    expect(run.retried).toBe(0);
    expect(run.failedAnswers.every((answer) => answer.attempts === 1)).toBe(true);
    expect(run.failedAnswers.every((answer) => answer.headers['x-failure-origin'] === 'dependency')).toBe(
      true,
    );
    // The instance kept its share, and each of its answers went back to the caller as it was.
    expect(servers[0]!.received.length).toBeGreaterThanOrEqual(16);
    expect(run.failedAnswers).toHaveLength(servers[0]!.received.length);
    expect(run.dependencyErrors).toBe(servers[0]!.received.length);
    // The others still served the rest.
    expect(run.statuses.filter((status) => status === 200)).toHaveLength(50 - run.failedAnswers.length);
    expect(run.ejections).toBe(0);
    expect(run.state).toEqual(
      ['users-0', 'users-1', 'users-2'].map((id) => ({ id, ejected: false, breaker: 'closed' })),
    );
  });

  it('ejects, and retries around, the same instance when its 503s are its own', async () => {
    const { client, servers, events } = await platform([failing(undefined), ok, ok], 'round-robin');

    const run = await drive(client, events, 50);

    // Each of its 503s was retried on another instance (within the budget), so callers saw 200s;
    // after 5 in a row it was ejected and got nothing more.
    expect(run.statuses.every((status) => status === 200)).toBe(true);
    expect(servers[0]!.received).toHaveLength(5);
    expect(run.retried).toBe(5);
    expect(run.ejections).toBe(1);
    expect(run.state.find((entry) => entry.id === 'users-0')).toMatchObject({ ejected: true });
  });

  it('leaves the breaker of a slow instance closed, and the instance in, when the caller aborts 20 calls', async () => {
    let slowMs = 2_000;
    const slow = await platform([
      (_request, response) => {
        setTimeout(() => response.end('{"ok":true}'), slowMs).unref();
      },
    ]);
    const breaker = () => slow.client.breakers.get(instanceBreakerName('users', 'users-0'));

    let aborted = 0;
    for (let i = 0; i < 20; i++) {
      const caller = new AbortController();
      const call = slow.client.request('users', { method: 'GET', path: '/users/1', signal: caller.signal });
      setTimeout(() => caller.abort(), 20);
      await call.then(
        (response) => response.body.dump(),
        () => aborted++,
      );
    }

    expect(aborted).toBe(20);
    expect(slow.servers[0]!.received).toHaveLength(20);
    expect(breaker()?.state).toBe('closed');
    expect(breaker()?.stats()).toMatchObject({ failures: 0, timeouts: 0 });
    expect(slow.client.describe('users')[0]).toMatchObject({ ejection: undefined, breaker: 'closed' });
    // It still gets the next call, which it answers.
    slowMs = 10;
    const next = await slow.client.request('users', { method: 'GET', path: '/users/1' });
    await next.body.dump();
    expect(next).toMatchObject({ statusCode: 200, attempts: 1 });
  });
});
