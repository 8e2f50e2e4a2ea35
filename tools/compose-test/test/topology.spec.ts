import { beforeAll, describe, expect, it } from '@jest/globals';

import { send, summarize, Traffic, type Flow } from '@platform/chaos';

import { Kafka, logLevel, type Admin } from 'kafkajs';
import pg from 'pg';

import { eventually } from '@platform/testing';

import { api, containersOf, crash, registry, topology, type Container } from './topology.js';

/**
 * docker-compose.yml as `docker compose up` runs it (booted by `npm run test:compose`): used only
 * through the gateway's port published on 127.0.0.1 and, for what only an instance can tell (its
 * flag SDK), the instances' addresses on the network the run's compose project made.
 */
const FLAG = 'compose-test-flag';
const users: string[] = [];

beforeAll(async () => {
  expect((await api('PUT', `/api/flags/${FLAG}`, { enabled: true }, topology.auth)).status).toBe(201);
  for (let i = 0; i < 30; i++) {
    const created = await api('POST', '/api/users', {
      email: `compose-${i}@example.com`,
      name: `Compose ${i}`,
    });
    expect(created.status).toBe(201);
    users.push(created.json['id'] as string);
  }
});

describe('docker-compose.yml, booted', () => {
  it('runs every instance the file asks for (scale: 2 included), all in the registry', async () => {
    const view = await registry();
    const counts = Object.fromEntries(Object.entries(view).map(([service, list]) => [service, list.length]));
    expect(counts).toEqual({ gateway: 1, 'id-service': 2, 'user-service': 2, 'flags-service': 1 });
  });

  it('issues ids and serves users on every shard, and a user is gone once deleted', async () => {
    const ids = await api('POST', '/api/ids/snowflake?count=5');
    expect(ids.status).toBe(200);
    expect(new Set(ids.json['ids'] as string[]).size).toBe(5);
    for (const id of users) expect((await api('GET', `/api/users/${id}`)).json).toMatchObject({ id });
    const renamed = await api('PATCH', `/api/users/${users[0]}`, { name: 'Renamed' });
    expect(renamed).toMatchObject({ status: 200, json: { name: 'Renamed' } });
    expect(await api('GET', '/api/users?email=compose-1%40example.com')).toMatchObject({
      status: 200,
      json: { users: [{ id: users[1] }] },
    });
    const doomed = await api('POST', '/api/users', { email: 'compose-doomed@example.com', name: 'Doomed' });
    expect((await api('DELETE', `/api/users/${doomed.json['id'] as string}`)).status).toBe(204);
    expect((await api('GET', `/api/users/${doomed.json['id'] as string}`)).status).toBe(404);
  });

  it('delivers a flag change to the SDK in every id-service and user-service container', async () => {
    await expectFlagDelivered(false);
  });

  it('is scraped by Prometheus: every instance in the registry is up', async () => {
    const addresses = Object.values(await registry())
      .flat()
      .map((instance) => instance.address);
    await eventually(
      async () => {
        const response = await fetch(`${topology.prometheusUrl}/api/v1/query?query=up`);
        const body = (await response.json()) as {
          data: { result: { metric: Record<string, string>; value: [number, string] }[] };
        };
        const up = body.data.result.filter((r) => r.value[1] === '1').map((r) => r.metric['instance']);
        // Every instance the registry lists is scraped and up (an instance that restarted at boot
        // may still be listed, and scraped, under its old id for one TTL).
        expect(up).toEqual(expect.arrayContaining(addresses));
      },
      { timeoutMs: 90_000, intervalMs: 1_000 },
    );
  });
});

describe('docker-compose.host-ports.yml', () => {
  it('publishes every Kafka broker and a PostgreSQL server on the host, for npm start to use', async () => {
    // What `KAFKA_BROKERS=… POSTGRES_URL=… npm start` needs: every broker reachable at the address
    // it advertises to the host, and the server's databases.
    await withKafkaAdmin(async (admin) => {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual(
        [...topology.kafkaBrokers].sort(),
      );
      const { topics } = await admin.fetchTopicMetadata({ topics: ['platform.registry'] });
      expect(topics[0]?.partitions.length).toBeGreaterThan(0);
    });
    const client = new pg.Client({ connectionString: topology.postgresUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database');
      expect(rows.map((row) => row.datname)).toEqual(expect.arrayContaining(['users_catalog', 'users_0']));
    } finally {
      await client.end();
    }
  });
});

describe('faults under requests', () => {
  it('a Kafka broker crashed: 0 failed requests, the registry and flags carry on, the broker comes back', async () => {
    // The worst broker to lose: a follower of the registry's partition. Reads go on from the leader
    // while heartbeats (acks=all) wait until the follower is fenced; losing the leader stops reads
    // too, which self-preservation covers. kafka-N is node N (docker-compose.yml).
    const follower = await registryFollower();
    const [broker] = await containersOf(`kafka-${follower}`);
    const crashedAt = await underTraffic(() => crash(broker!));
    // Heartbeats still reach the registry, through the two brokers left.
    await eventually(
      async () => {
        const instances = Object.values(await registry()).flat();
        const stale = instances.filter((i) => Date.parse(i.lastHeartbeat) <= crashedAt + 1_000);
        expect(stale).toEqual([]);
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    await expectFlagDelivered(true);
    await backHealthy(`kafka-${follower}`, broker!);
  });

  it('a user-service container crashed: 0 failed requests, the registry drops it and takes it back', async () => {
    const [victim] = await containersOf('user-service');
    const before = (await registry())['user-service'] ?? [];
    const instance = before.find((i) => i.address === `${victim!.ip}:3200`);
    expect(instance).toBeDefined();
    await underTraffic(() => crash(victim!));
    await eventually(
      async () => {
        const ids = ((await registry())['user-service'] ?? []).map((i) => i.instanceId);
        expect(ids).not.toContain(instance!.instanceId);
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    await backHealthy('user-service', victim!);
    await eventually(async () => expect((await registry())['user-service']).toHaveLength(2), {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
  });
});

/** A node that holds a replica of the registry topic's partition without leading it. */
async function registryFollower(): Promise<number> {
  return withKafkaAdmin(async (admin) => {
    const { topics } = await admin.fetchTopicMetadata({ topics: ['platform.registry'] });
    const [partition] = topics[0]?.partitions ?? [];
    const follower = partition?.replicas.find((node) => node !== partition.leader);
    if (follower === undefined)
      throw new Error(`platform.registry has no follower: ${JSON.stringify(partition)}`);
    return follower;
  });
}

/** A Kafka admin client through the brokers' host listeners, for the length of `use`. */
async function withKafkaAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Kafka({
    clientId: 'compose-test',
    brokers: topology.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Ordinary requests through the gateway for 18 s, 30 a second, with `fault` 3 s in; expects none
 * failed. 30, not more: at 50 a second, two cores running 14 containers, the load and a restarting
 * container starved PostgreSQL's new connections past their 2 s deadline (3 of 1,260 answered 503
 * shard_unavailable 10 s after a user-service crash, once in seven runs).
 */
async function underTraffic(fault: () => void): Promise<number> {
  const url = topology.gatewayUrl;
  let next = 0;
  const flows: Flow[] = [
    { name: 'users', rate: 20, send: () => send('GET', `${url}/api/users/${users[next++ % users.length]}`) },
    { name: 'ids', rate: 5, send: () => send('POST', `${url}/api/ids/snowflake?count=1`) },
    {
      name: 'flags',
      rate: 5,
      send: () =>
        send('POST', `${url}/api/flags/${FLAG}/evaluate`, { body: { context: { userId: `u-${next}` } } }),
    },
  ];
  // The first failed answer's body of each flow, to say why.
  const why = new Map<string, string>();
  const watched = flows.map((flow) => ({
    ...flow,
    send: async () => {
      const exchange = await flow.send();
      if ((exchange.status < 200 || exchange.status > 299) && !why.has(flow.name)) {
        why.set(flow.name, exchange.text.slice(0, 300));
      }
      return exchange;
    },
  }));
  const traffic = new Traffic(watched).start();
  let faultAt = 0;
  try {
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    faultAt = Date.now();
    fault();
    await new Promise((resolve) => setTimeout(resolve, 15_000));
  } finally {
    const samples = await traffic.stop();
    const summary = summarize(samples);
    process.stdout.write(
      `  [measured] ${summary.served} of ${summary.requests} requests served, p99 ${summary.p99Ms?.toFixed(0)} ms, ` +
        `max ${summary.maxMs?.toFixed(0)} ms; failed by status ${JSON.stringify(summary.failures)}\n`,
    );
    for (const flow of flows) {
      const failed = samples.filter((sample) => sample.flow === flow.name && !sample.ok);
      if (failed.length === 0) continue;
      const first = failed[0]!;
      process.stdout.write(
        `    ${flow.name}: ${failed.length} failed, from ${((first.at - faultAt) / 1000).toFixed(1)} s after the ` +
          `fault to ${((failed.at(-1)!.at - faultAt) / 1000).toFixed(1)} s; first: ${first.status} ${first.error ?? ''} ` +
          `${why.get(flow.name) ?? ''}\n`,
      );
    }
    expect(summary.requests).toBeGreaterThan(500);
    expect(summary.failed).toBe(0);
  }
  return faultAt;
}

/** The container restarted by its restart policy (`restart: unless-stopped`) and healthy again. */
async function backHealthy(service: string, crashed: Container): Promise<void> {
  await eventually(
    async () => {
      const now = (await containersOf(service)).find((c) => c.id === crashed.id);
      expect(now).toMatchObject({ status: 'running', health: 'healthy' });
      expect(now?.pid).not.toBe(crashed.pid);
    },
    { timeoutMs: 120_000, intervalMs: 1_000 },
  );
}

/** A flag PUT through the gateway reaches the SDK of every id-service and user-service container. */
async function expectFlagDelivered(enabled: boolean): Promise<void> {
  const put = await api('PUT', `/api/flags/${FLAG}`, { enabled }, topology.auth);
  expect(put.status).toBe(200);
  const version = put.json['version'] as number;
  const readers = [...(await containersOf('id-service')), ...(await containersOf('user-service'))];
  expect(readers).toHaveLength(4);
  const view = await registry();
  for (const reader of readers) {
    const instance = [...(view['id-service'] ?? []), ...(view['user-service'] ?? [])].find((i) =>
      i.address.startsWith(`${reader.ip}:`),
    );
    expect(instance).toBeDefined();
    await eventually(
      async () => {
        const held = (await fetch(`http://${instance!.address}/admin/flags`, { headers: topology.auth }).then(
          (r) => r.json(),
        )) as { flags: { key: string; version: number }[] };
        expect(held.flags.find((f) => f.key === FLAG)?.version).toBeGreaterThanOrEqual(version);
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
  }
}
