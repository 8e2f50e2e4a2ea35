// user-service's storage layer in this process, on real PostgreSQL servers and a real Kafka broker
// started for the run: the sharding benchmarks call its UserStore and Resharder directly, so they
// measure routing and storage, not HTTP. Ids are made here (Instagram-style, on the email's logical
// shard, as id-service would issue them), so no id-service is needed.
import fs from 'node:fs';
import path from 'node:path';

import pg from 'pg';

import { InstagramGenerator } from '@platform/ids';
import { ensureDatabase, freePort, startKafka, startPostgres } from '@platform/local-infra';
import { createServiceApp } from '@platform/service-kit';
import { logicalShardOf } from '@platform/sharding';

import { AppModule } from '../../../apps/user-service/dist/app.module.js';
import { readConfig } from '../../../apps/user-service/dist/config/config.js';
import { Resharder } from '../../../apps/user-service/dist/reshard/resharder.js';
import { shardPoolSizes } from '../../../apps/user-service/dist/shards/physical-shards.js';
import { ShardMapService } from '../../../apps/user-service/dist/shards/shard-map.service.js';
import { UserStore } from '../../../apps/user-service/dist/users/user-store.js';

/**
 * Starts PostgreSQL servers `servers` (names, e.g. ['a', 'b']), with fsync on (durable, as a
 * deployment would run), and a Kafka broker; stopped with the harness.
 */
export async function startInfra(harness, servers) {
  const started = {};
  await Promise.all([
    ...servers.map(async (name) => {
      const server = await startPostgres({
        dataDir: path.join(harness.dir, `postgres-${name}`),
        port: await freePort(),
        logFile: path.join(harness.dir, `postgres-${name}.log`),
        persistent: false,
      });
      harness.onCleanup(() => server.stop());
      started[name] = server;
      harness.log(`postgres-${name}: ready on port ${server.port}`);
    }),
    (async () => {
      const kafka = await startKafka({
        dataDir: path.join(harness.dir, 'kafka'),
        port: await freePort(),
        controllerPort: await freePort(),
        logFile: path.join(harness.dir, 'kafka.log'),
        persistent: false,
      });
      harness.onCleanup(() => kafka.stop());
      started.kafka = kafka;
      harness.log(`kafka: ready on ${kafka.brokers.join(',')}`);
    })(),
  ]);
  return started;
}

/**
 * A user-service (catalog + shards) in this process. `shards`: [[server, database], …] in
 * USER_SHARD_URLS order; the first `initialShards` hold the users. Databases are created if needed.
 * `env`: more of user-service's variables (e.g. USER_CONNECTIONS_PER_SERVER).
 */
export async function startUserService(harness, infra, { label, catalog, shards, initialShards, env = {} }) {
  const url = (server, database) => infra[server].url(database);
  for (const [server, database] of [catalog, ...shards]) await ensureDatabase(infra[server].url(), database);
  const logFile = fs.createWriteStream(path.join(harness.dir, `${label}.log`));
  const config = readConfig({
    PORT: '0',
    INSTANCE_ID: label,
    KAFKA_BROKERS: infra.kafka.brokers.join(','),
    REGISTRY_TOPIC: `bench.registry.${label}`,
    SHARD_MAP_TOPIC: `bench.shard-map.${label}`,
    USER_CATALOG_URL: url(...catalog),
    USER_SHARD_URLS: shards.map(([server, database]) => url(server, database)).join(','),
    USER_INITIAL_SHARDS: String(initialShards),
    SHUTDOWN_DRAIN_MS: '0',
    LOG_LEVEL: 'warn',
    ...env,
  });
  const running = await createServiceApp({
    name: 'user-service',
    config,
    module: (c) => AppModule.forRoot(c),
    logDestination: logFile,
  });
  harness.onCleanup(() => running.shutdown('benchmark finished'));
  const app = running.app;
  return {
    store: app.get(UserStore),
    maps: app.get(ShardMapService),
    resharder: app.get(Resharder),
    catalogUrl: url(...catalog),
    shardUrl: (database) => url(shards.find(([, d]) => d === database)[0], database),
    /** The connections UserStore may open to each shard database, as user-service sizes its pools. */
    shardPoolSize: (database) =>
      shardPoolSizes(config.USER_SHARD_URLS, config.USER_CONNECTIONS_PER_SERVER).get(database),
    config,
  };
}

/** Users to create: distinct emails with ids on their logical shards, made ahead of time. */
export function userFactory(logicalShards = 1_024, prefix = 'user') {
  const ids = new InstagramGenerator();
  let n = 0;
  return () => {
    const email = `${prefix}-${n++}@example.com`;
    return { id: ids.next(logicalShardOf(email, logicalShards)), email, name: `User ${n}` };
  };
}

/**
 * Writes `count` users straight into the shard databases and the lookup index, in batches, the way a
 * data migration would: a seed for read and resharding benchmarks, not a measurement.
 */
export async function seedUsers(harness, rig, count, { prefix = 'seed', batch = 10_000 } = {}) {
  const map = rig.maps.map;
  const next = userFactory(map.logicalShards, prefix);
  const pools = new Map(
    map.shards.map((s) => [s.name, new pg.Pool({ connectionString: rig.shardUrl(s.name), max: 2 })]),
  );
  const catalog = new pg.Pool({ connectionString: rig.catalogUrl, max: 2 });
  const seeded = [];
  try {
    for (let done = 0; done < count;) {
      const users = Array.from({ length: Math.min(batch, count - done) }, next);
      const byShard = new Map();
      for (const user of users) {
        const logical = logicalShardOf(user.email, map.logicalShards);
        const shard = map.physicalOf(logical).name;
        if (!byShard.has(shard)) byShard.set(shard, []);
        byShard.get(shard).push({ ...user, logical });
      }
      await Promise.all([
        ...[...byShard].map(([shard, rows]) =>
          pools.get(shard).query(
            `INSERT INTO users (id, logical_shard, email, name)
             SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[])`,
            [
              rows.map((r) => r.id.toString()),
              rows.map((r) => r.logical),
              rows.map((r) => r.email),
              rows.map((r) => r.name),
            ],
          ),
        ),
        catalog.query(
          'INSERT INTO email_lookup (email, user_id) SELECT * FROM unnest($1::text[], $2::bigint[])',
          [users.map((u) => u.email), users.map((u) => u.id.toString())],
        ),
      ]);
      for (const user of users) seeded.push(user.id);
      done += users.length;
      if (done % 50_000 === 0 || done === count) harness.log(`seeded ${done.toLocaleString('en-US')} users`);
    }
  } finally {
    await Promise.all([...pools.values(), catalog].map((pool) => pool.end()));
  }
  return seeded;
}
