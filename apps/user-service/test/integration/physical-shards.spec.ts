import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';

import { createLogger } from '@platform/observability';
import { ServiceContext } from '@platform/service-kit';
import { createTestDatabase, type TestDatabase } from '@platform/testing';

import { readConfig } from '../../src/config/config.js';
import { PhysicalShards, WAITING_PER_CONNECTION } from '../../src/shards/physical-shards.js';
import { ShardUnavailableError } from '../../src/shards/shard.errors.js';

describe(PhysicalShards.name, () => {
  let database: TestDatabase;
  let shards: PhysicalShards;
  let metrics: Registry;

  beforeAll(async () => {
    database = await createTestDatabase('users_busy');
    const config = readConfig({
      USER_CATALOG_URL: database.url,
      USER_SHARD_URLS: database.url,
      KAFKA_BROKERS: '127.0.0.1:9092',
      // One connection to the shard: one slow call makes it busy.
      USER_CONNECTIONS_PER_SERVER: '1',
      // Calls queued behind the 0.6 s one take up to 0.6 s, and calls past the slow-call duration do
      // count (at the default 250 ms these would open the breaker, as they should for a shard this
      // slow); this test is about the refusals, which never count, so none of them is slow here.
      USER_SHARD_SLOW_CALL_MS: '1500',
    });
    metrics = new Registry();
    const logger = createLogger({ service: 'user-service', instance: 'u-1', level: 'silent' });
    shards = new PhysicalShards(config, new ServiceContext('user-service', 'u-1', config, logger, metrics));
    await shards.init();
  });

  afterAll(async () => {
    await shards.onApplicationShutdown();
    await database.drop();
  });

  it('sheds calls beyond its waiting room at once with a 503 naming the shard, without opening the breaker', async () => {
    const name = database.name;
    const slow = shards.query(name, { text: 'SELECT pg_sleep(0.6)' });
    await new Promise((resolve) => setTimeout(resolve, 100)); // it holds the connection
    // Everyone who fits waits for the one connection, with no timer of their own …
    const waiting = Array.from({ length: WAITING_PER_CONNECTION }, (_, i) =>
      shards.query<{ n: number }>(name, { text: 'SELECT $1::int AS n', values: [i] }),
    );

    // … and the next one is refused before it is sent.
    const started = performance.now();
    const refused = await shards.query(name, { text: 'SELECT 1' }).catch((error: unknown) => error);
    const refusedAfterMs = performance.now() - started;

    expect(refused).toBeInstanceOf(ShardUnavailableError);
    expect((refused as Error).message).toBe(
      `shard ${name} is unavailable: it is overloaded: ${WAITING_PER_CONNECTION} calls are already waiting for a connection (it has 1); users on other shards are not affected`,
    );
    expect(refusedAfterMs).toBeLessThan(50);
    await slow;
    expect((await Promise.all(waiting)).map(({ rows }) => rows[0]?.n)).toEqual(
      Array.from({ length: WAITING_PER_CONNECTION }, (_, i) => i),
    );
    expect(shards.breakerState(name)).toBe('closed');
    const text = await metrics.metrics();
    expect(text).toContain(
      `user_shard_operation_duration_seconds_count{shard="${name}",outcome="unavailable"} 1`,
    );
    expect(text).toContain(
      `user_shard_operation_duration_seconds_count{shard="${name}",outcome="ok"} ${WAITING_PER_CONNECTION + 1}`,
    );
  });
});
