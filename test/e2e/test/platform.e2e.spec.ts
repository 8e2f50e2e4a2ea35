import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel, Partitioners } from 'kafkajs';

import { decodeSnowflake } from '@platform/ids';
import { freePort, isPortFree } from '@platform/local-infra';
import { isAlive, serviceSpec, ServiceProcess, type PlatformStatus } from '@platform/runner';
import {
  DocumentedAnswers,
  eventually,
  openApiProblems,
  type OpenApiLike,
  type ReceivedAnswer,
} from '@platform/testing';

import { runCli, startCliPlatform, type CliPlatform } from './cli-platform.js';

const TTL_MS = 4_000;
const SERVICE_ENV = {
  REGISTRY_TTL_MS: String(TTL_MS),
  REGISTRY_HEARTBEAT_MS: '1000',
  SHUTDOWN_DRAIN_MS: '300',
};

let platform: CliPlatform;
let status: PlatformStatus;
const extraInstances: ServiceProcess[] = [];
/** Every answer `api()` received, checked against the gateway's OpenAPI document at the end. */
const received: ReceivedAnswer[] = [];

async function api(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${platform.gatewayUrl}${url}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  received.push({
    method,
    path: url,
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: text,
  });
  return {
    status: response.status,
    headers: response.headers,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

async function registry(): Promise<
  Record<
    string,
    { instanceId: string; address: string; version: string; zone: string; lastHeartbeat: string }[]
  >
> {
  const response = await api('GET', '/admin/registry', undefined, {
    authorization: `Bearer ${status.adminToken}`,
  });
  expect(response.status).toBe(200);
  return response.json['services'] as never;
}

function instanceIds(view: Awaited<ReturnType<typeof registry>>, service: string): string[] {
  return (view[service] ?? []).map((i) => i.instanceId).sort();
}

beforeAll(async () => {
  platform = await startCliPlatform(SERVICE_ENV);
  status = await platform.status();
}, 180_000);

afterAll(async () => {
  await Promise.all(extraInstances.map((instance) => instance.stop()));
  if (platform?.child.exitCode === null) await platform.interrupt(60_000);
});

describe('npm start', () => {
  it('brings up two PostgreSQL servers, Kafka and every service instance, and `status --json` tells the truth', () => {
    expect(status.running).toBe(true);
    const counts = Object.fromEntries(
      ['gateway', 'id-service', 'user-service', 'flags-service'].map((s) => [
        s,
        status.instances.filter((i) => i.service === s).length,
      ]),
    );
    expect(counts).toEqual({ gateway: 1, 'id-service': 2, 'user-service': 2, 'flags-service': 1 });
    for (const instance of status.instances) {
      expect(instance).toMatchObject({ state: 'ready' });
      expect(isAlive(instance.pid)).toBe(true);
    }
    const [serverA, serverB] = status.infrastructure?.postgres ?? [];
    expect(serverA).toMatchObject({
      name: 'a',
      state: 'running',
      address: `127.0.0.1:${platform.ports.postgres}`,
    });
    expect(serverB).toMatchObject({ name: 'b', state: 'running', managed: true });
    expect(serverB?.pid).not.toBe(serverA?.pid);
    expect(serverB?.address).not.toBe(serverA?.address);
    expect(status.infrastructure?.kafka).toMatchObject({
      state: 'running',
      brokers: [`127.0.0.1:${platform.ports.kafka}`],
    });
    expect(status.adminToken).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(platform.output()).toContain('COMPONENT');
  });

  it('refuses to start a second runner while one is up, at once and saying why', async () => {
    const started = Date.now();
    const second = await runCli(['start', '--quiet', `--gateway-port=${await freePort()}`], platform.env);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('already running');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('the platform through the gateway', () => {
  it('issues ids, creates, finds, lists, renames and deletes a user on its shard, and stores a flag', async () => {
    const ids = await api('POST', '/api/ids/snowflake?count=5');
    expect(ids.status).toBe(200);
    expect(new Set(ids.json['ids'] as string[]).size).toBe(5);

    const created = await api('POST', '/api/users', { email: 'e2e@example.com', name: 'End To End' });
    expect(created.status).toBe(201);
    const id = created.json['id'] as string;
    expect(id).toMatch(/^\d+$/);
    const read = await api('GET', `/api/users/${id}`);
    expect(read).toMatchObject({ status: 200, json: { id, email: 'e2e@example.com', name: 'End To End' } });
    const renamed = await api('PATCH', `/api/users/${id}`, { email: 'e2e-renamed@example.com' });
    expect(renamed).toMatchObject({ status: 200, json: { id, email: 'e2e-renamed@example.com' } });
    expect(await api('GET', '/api/users?email=e2e-renamed%40example.com')).toMatchObject({
      status: 200,
      json: { users: [{ id }] },
    });
    const listed = await api('GET', '/api/users?limit=500');
    expect(listed.status).toBe(200);
    expect((listed.json['users'] as { id: string }[]).map((u) => u.id)).toContain(id);
    expect((await api('DELETE', `/api/users/${id}`)).status).toBe(204);
    expect((await api('GET', `/api/users/${id}`)).status).toBe(404);

    expect(
      (
        await api(
          'PUT',
          '/api/flags/e2e-flag',
          { enabled: true, description: 'from the e2e test' },
          { authorization: `Bearer ${status.adminToken}` },
        )
      ).status,
    ).toBe(201);
    expect(await api('GET', '/api/flags/e2e-flag')).toMatchObject({
      status: 200,
      json: { key: 'e2e-flag', enabled: true },
    });
  });

  it('delivers a flag change from flags-service to the SDK in id-service and user-service within 1 s', async () => {
    const auth = { authorization: `Bearer ${status.adminToken}` };
    const readers = ['id-service-1', 'user-service-1'].map((id) =>
      status.instances.find((i) => i.instanceId === id)!,
    );
    const delays: number[] = [];
    for (let change = 0; change < 10; change++) {
      const sent = Date.now();
      const put = await api('PUT', '/api/flags/e2e-propagation', { enabled: change % 2 === 0 }, auth);
      const version = put.json['version'] as number;
      await Promise.all(
        readers.map(async (reader) => {
          for (;;) {
            const held = await fetch(`${reader.url}/admin/flags`, { headers: auth }).then(
              (r) => r.json() as Promise<{ flags: { key: string; version: number }[] }>,
            );
            if (held.flags.some((f) => f.key === 'e2e-propagation' && f.version >= version)) break;
            if (Date.now() - sent > 5_000)
              throw new Error(`${reader.instanceId} did not see version ${version}`);
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
          delays.push(Date.now() - sent);
        }),
      );
    }
    delays.sort((a, b) => a - b);
    process.stdout.write(
      `  [measured] flag change → SDK in id-service and user-service: p50 ${delays[Math.floor(delays.length / 2)]} ms, ` +
        `max ${delays.at(-1)} ms over ${delays.length}\n`,
    );
    expect(delays.at(-1)).toBeLessThan(1_000);
  });

  it('gives 50,000 ids requested concurrently from both id-service instances, with no duplicate', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => api('POST', '/api/ids/snowflake?count=1000')),
    );
    const ids = responses.flatMap((r) => {
      expect(r.status).toBe(200);
      return r.json['ids'] as string[];
    });
    expect(ids).toHaveLength(50_000);
    expect(new Set(ids).size).toBe(50_000);
    const workers = new Set(ids.map((id) => decodeSnowflake(BigInt(id)).workerId));
    expect(workers.size).toBe(2);
    const servedBy = new Set(responses.map((r) => r.headers.get('x-served-by')));
    expect(servedBy).toEqual(new Set(['id-service-1', 'id-service-2']));
  });

  it('answers bad input with a 4xx JSON error and stays up', async () => {
    const malformed = await api('POST', '/api/users', '{"email": "x@example.com",');
    expect(malformed.status).toBe(400);
    expect(malformed.json['error']).toMatchObject({ code: 'bad_request' });

    const wrongTypes = await api('POST', '/api/users', { email: 42, name: ['x'] });
    expect(wrongTypes.status).toBe(400);
    expect(JSON.stringify(wrongTypes.json)).toContain('email');

    // Just over the gateway's 1 MiB limit: small enough that the client has sent it all before the
    // gateway answers 413 and closes the connection (with a far larger body fetch can hit EPIPE).
    const oversized = await api('POST', '/api/users', {
      email: 'big@example.com',
      name: 'x'.repeat(1024 * 1024 + 64 * 1024),
    });
    expect(oversized.status).toBe(413);
    expect(oversized.json['error']).toMatchObject({ code: 'payload_too_large' });

    const unknownApi = await api('GET', '/api/no-such-thing/1');
    expect(unknownApi).toMatchObject({ status: 404, json: { error: { code: 'route_not_found' } } });
    const unknownRoute = await api('GET', '/no/such/route');
    expect(unknownRoute).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });

    const badCount = await api('POST', '/api/ids/snowflake?count=abc');
    expect(badCount.status).toBe(400);
    expect((await api('POST', '/api/ids/snowflake?count=2')).status).toBe(200);
  });

  it('ignores garbage written to the registry topic', async () => {
    const before = await registry();
    const kafka = new Kafka({
      clientId: 'e2e-garbage',
      brokers: [...status.infrastructure!.kafka.brokers],
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({
      topic: 'platform.registry',
      messages: [
        { key: 'id-service-1', value: 'this is not JSON' },
        {
          key: 'id-service-2',
          value: JSON.stringify({ v: 1, service: 'id-service', instanceId: 'id-service-2', port: 'x' }),
        },
        // (A null key never gets this far: the broker rejects it on a compacted topic.)
        {
          key: 'intruder-1',
          value: JSON.stringify({ v: 1, service: 'id-service', instanceId: 'someone-else' }),
        },
      ],
    });
    await producer.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const after = await registry();
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const service of Object.keys(before))
      expect(instanceIds(after, service)).toEqual(instanceIds(before, service));
    for (let i = 0; i < 6; i++) expect((await api('POST', '/api/ids/snowflake')).status).toBe(200);
  });
});

describe('the API documents (GET /openapi.json, /docs)', () => {
  const auth = () => ({ authorization: `Bearer ${status.adminToken}` });
  const services = ['id-service', 'user-service', 'flags-service'];

  it('serves Swagger UI at /docs and one valid document listing every documented route of every service', async () => {
    const docs = await fetch(`${platform.gatewayUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui-bundle.js');

    const merged = await api('GET', '/openapi.json');
    expect(merged.status).toBe(200);
    const document = merged.json as unknown as OpenApiLike;
    expect(await openApiProblems(document)).toEqual([]);
    expect(merged.json['x-unreachable-services']).toBeUndefined();

    const mergedIds = new Set(
      Object.values(document.paths).flatMap((item) => Object.values(item).map((op) => op.operationId)),
    );
    const perService = new Map<string, number>();
    for (const id of mergedIds) {
      const service = id!.split('.')[0]!;
      perService.set(service, (perService.get(service) ?? 0) + 1);
    }
    process.stdout.write(
      `  [measured] operations in the gateway's OpenAPI document: ${[...perService].map(([service, n]) => `${service} ${n}`).join(', ')}\n`,
    );
    for (const service of services) {
      const instance = status.instances.find((i) => i.service === service)!;
      const own = (await (
        await fetch(`${instance.url}/openapi.json`, { headers: auth() })
      ).json()) as OpenApiLike;
      expect({ service, problems: await openApiProblems(own) }).toEqual({ service, problems: [] });
      const ownIds = Object.values(own.paths).flatMap((item) =>
        Object.values(item).map((op) => `${service}.${op.operationId}`),
      );
      expect(ownIds.length).toBeGreaterThan(8);
      expect({ service, missing: ownIds.filter((id) => !mergedIds.has(id)) }).toEqual({
        service,
        missing: [],
      });
    }
  });

  it('documents every answer the tests above received through the gateway, and each matches its schema', async () => {
    const document = (await api('GET', '/openapi.json')).json as unknown as OpenApiLike;
    const answers = new DocumentedAnswers(document);
    const undocumented: string[] = [];
    const mismatched: { answer: string; problems: string[] }[] = [];
    let checked = 0;
    for (const answer of received) {
      const check = answers.check(answer);
      const name = `${answer.method} ${answer.path} → ${answer.status}`;
      if (!check) undocumented.push(name);
      else if (check.problems.length > 0) mismatched.push({ answer: name, problems: check.problems });
      else checked++;
    }
    process.stdout.write(
      `  [measured] answers matching the gateway's OpenAPI document: ${checked} of ${received.length}\n`,
    );
    expect(mismatched).toEqual([]);
    // Only the routes that do not exist, asked for on purpose above.
    expect(undocumented).toEqual(['GET /api/no-such-thing/1 → 404', 'GET /no/such/route → 404']);
    expect(checked).toBeGreaterThan(50);
  });
});

describe('instances coming and going', () => {
  it('keeps requests succeeding when an id-service instance is SIGKILLed, and drops it within its TTL', async () => {
    const victim = status.instances.find((i) => i.instanceId === 'id-service-1')!;
    let stop = false;
    const outcomes: number[] = [];
    const load = (async () => {
      while (!stop) outcomes.push((await api('POST', '/api/ids/snowflake?count=10')).status);
    })();
    await new Promise((resolve) => setTimeout(resolve, 500));

    const killedAt = Date.now();
    process.kill(victim.pid, 'SIGKILL');
    await eventually(
      async () => expect(instanceIds(await registry(), 'id-service')).toEqual(['id-service-2']),
      {
        timeoutMs: TTL_MS + 5_000,
        intervalMs: 100,
      },
    );
    const droppedAfterMs = Date.now() - killedAt;
    await new Promise((resolve) => setTimeout(resolve, 500));
    stop = true;
    await load;

    expect(droppedAfterMs).toBeLessThanOrEqual(TTL_MS + 1_000);
    expect(outcomes.length).toBeGreaterThan(20);
    expect(outcomes.filter((code) => code !== 200)).toEqual([]);
  });

  it('routes traffic to a newly started instance', async () => {
    const port = await freePort();
    const instance = new ServiceProcess({
      spec: serviceSpec('id-service'),
      instanceId: 'id-service-new',
      port,
      logFile: path.join(platform.stateDir, 'logs', 'id-service-new.log'),
      env: {
        ...SERVICE_ENV,
        PORT: String(port),
        INSTANCE_ID: 'id-service-new',
        KAFKA_BROKERS: status.infrastructure!.kafka.brokers.join(','),
        // ids lives on PostgreSQL server a.
        DATABASE_URL: status.infrastructure!.postgres[0]!.url.replace(/\/postgres$/, '/ids'),
        ADMIN_TOKEN: status.adminToken!,
      },
    });
    extraInstances.push(instance);
    await instance.waitReady(60_000);
    await eventually(
      async () => expect(instanceIds(await registry(), 'id-service')).toContain('id-service-new'),
      {
        timeoutMs: 5_000,
      },
    );
    const servedBy = new Set<string>();
    for (let i = 0; i < 10; i++)
      servedBy.add((await api('POST', '/api/ids/snowflake')).headers.get('x-served-by') ?? '');
    // Peak EWMA (the default) favours the new, idle instance; it must at least get traffic.
    expect(servedBy).toContain('id-service-new');
    await instance.stop();
  });
});

describe('Ctrl-C', () => {
  it('stops services, then Kafka and PostgreSQL, and leaves no process or port behind', async () => {
    const current = await platform.status();
    const pids = [
      ...current.instances.map((i) => i.pid),
      ...current.infrastructure!.postgres.map((server) => server.pid!),
      current.infrastructure!.kafka.pid!,
      current.runner!.pid,
    ];
    const code = await platform.interrupt(60_000);
    expect(code).toBe(0);
    const output = platform.output();
    expect(output.indexOf('stopping Kafka')).toBeGreaterThan(output.indexOf('service instance(s)'));
    expect(output.indexOf('stopping PostgreSQL')).toBeGreaterThan(output.indexOf('stopping Kafka'));
    await eventually(() => expect(pids.filter(isAlive)).toEqual([]), { timeoutMs: 10_000 });
    const ports = [
      ...Object.values(platform.ports),
      ...current.infrastructure!.postgres.map((server) => Number(new URL(server.url).port)),
    ];
    for (const port of ports) expect(await isPortFree(port)).toBe(true);
    expect((await runCli(['status'], platform.env)).stdout).toContain('No platform is running');
  });
});
