// What routing costs a read: GET-by-id through user-service's UserStore (logical shard from the id,
// shard map, per-shard breaker, and an ownership check joined into the same statement) against the
// same primary-key SELECT sent straight to one database holding the same users, at the same
// concurrency, in the same process, on the same PostgreSQL server. Goal (issue 5): < 10% overhead.
// Rounds alternate the two, so drift in the machine hits both; the table shows medians.
//
//   npx turbo run build --output-logs=errors-only && node bench/sharding/router-overhead.mjs
//   flags: --users 100000 --concurrency 16 --seconds 8 --rounds 3 --quick --keep
//          --profile: then profile this process (node:inspector) under the direct and the routed
//          variant for --seconds each, and print CPU time per read by area, side by side.

import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

import pg from 'pg';

import { summarizeProfile } from '../lib/cpu-profile.mjs';
import { createHarness, loadavg, machine, parseArgs } from '../lib/harness.mjs';
import { median, ms, pct } from '../lib/open-loop.mjs';
import { describeDisturbance, waitQuiet, watchDisturbance } from '../lib/quiet.mjs';
import { printTable, ratio } from '../lib/table.mjs';
import { closedLoop } from './lib/closed-loop.mjs';
import { seedUsers, startInfra, startUserService } from './lib/user-rig.mjs';

const args = parseArgs();
const QUICK = args.quick === true;
const USERS = Number(args.users ?? (QUICK ? 20_000 : 100_000));
const CONCURRENCY = Number(args.concurrency ?? 16);
const SECONDS = Number(args.seconds ?? (QUICK ? 3 : 8));
const ROUNDS = Number(args.rounds ?? (QUICK ? 1 : 3));

const harness = createHarness('sharding-router-overhead', { keep: args.keep === true });
const { log } = harness;

await harness.run(async () => {
  log(`machine: ${machine()}; load average ${loadavg()}`);
  const infra = await startInfra(harness, ['a']);
  const rig = await startUserService(harness, infra, {
    label: 'router-overhead',
    catalog: ['a', 'users_catalog'],
    shards: [0, 1, 2, 3].map((i) => ['a', `users_${i}`]),
    initialShards: 4,
  });
  const ids = await seedUsers(harness, rig, USERS);

  // The same users in one plain table of one database: the reference.
  await infra.a.ensureDatabase('users_direct');
  const direct = new pg.Pool({ connectionString: infra.a.url('users_direct'), max: 32 });
  harness.onCleanup(() => direct.end());
  await direct.query(
    `CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now())`,
  );
  for (let i = 0; i < ids.length; i += 10_000) {
    const slice = ids.slice(i, i + 10_000).map(String);
    await direct.query(
      `INSERT INTO users (id, email, name) SELECT id, 'u' || id || '@example.com', 'User' FROM unnest($1::bigint[]) AS id`,
      [slice],
    );
  }
  await direct.query('VACUUM ANALYZE users');
  log(`reference table: ${ids.length.toLocaleString('en-US')} users in one database`);

  const pick = () => ids[Math.floor(Math.random() * ids.length)];
  const shardPools = new Map(
    rig.maps.map.shards.map((s) => [s.name, new pg.Pool({ connectionString: rig.shardUrl(s.name), max: 8 })]),
  );
  harness.onCleanup(() => Promise.all([...shardPools.values()].map((p) => p.end())));
  const select = 'SELECT id, email, name, created_at, updated_at FROM users WHERE id = $1';
  const directRead = (prepared) => async () => {
    const { rows } = await direct.query({
      text: select,
      values: [pick().toString()],
      ...(prepared ? { name: 'user-by-id' } : {}),
    });
    if (!rows[0]) throw new Error('a seeded user is missing from the reference table');
  };
  const variants = {
    // A named (prepared) statement, as UserStore uses: planned once per connection.
    direct: directRead(true),
    unprepared: directRead(false),
    routed: async () => {
      if (!(await rig.store.findById(pick())))
        throw new Error('a seeded user was not found through the router');
    },
    // The routing decision alone: logical shard from the id, the map, that shard's pool (no breaker,
    // no ownership fallback) — what the router adds before the rest of UserStore's path.
    lookupOnly: async () => {
      const id = pick();
      const shard = rig.maps.map.physicalOf(rig.maps.router.logicalShardOf(id)).name;
      const { rows } = await shardPools
        .get(shard)
        .query({ text: select, values: [id.toString()], name: 'user-by-id' });
      if (!rows[0]) throw new Error('a seeded user is missing from its shard');
    },
  };
  // Warm both: connections, plans, caches.
  for (const call of Object.values(variants))
    await closedLoop(call, { concurrency: CONCURRENCY, durationMs: 1_000 });

  await waitQuiet(log);
  const runs = { direct: [], routed: [], unprepared: [], lookupOnly: [] };
  const disturbance = watchDisturbance();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const name of round % 2
      ? ['direct', 'routed', 'lookupOnly', 'unprepared']
      : ['routed', 'direct', 'unprepared', 'lookupOnly']) {
      const result = await closedLoop(variants[name], {
        concurrency: CONCURRENCY,
        durationMs: SECONDS * 1_000,
      });
      if (result.errors > 0) throw new Error(`${name}: ${result.errors} errors, first: ${result.firstError}`);
      runs[name].push(result);
      log(
        `round ${round} ${name}: ${Math.round(result.perSecond).toLocaleString('en-US')} reads/s, ` +
          `p50 ${ms(result.p50, 2)} ms, p99 ${ms(result.p99, 2)} ms`,
      );
    }
  }
  const summary = Object.fromEntries(
    Object.entries(runs).map(([name, results]) => [
      name,
      {
        perSecond: median(results.map((r) => r.perSecond)),
        p50: median(results.map((r) => r.p50)),
        p99: median(results.map((r) => r.p99)),
      },
    ]),
  );
  const overhead = 1 - summary.routed.perSecond / summary.direct.perSecond;
  printTable(
    `Reads by id at concurrency ${CONCURRENCY}, ${ids.length.toLocaleString('en-US')} users, median of ${ROUNDS} × ${SECONDS} s (${describeDisturbance(disturbance.stop())})`,
    ['path', 'reads/s', 'vs direct', 'p50 ms', 'p99 ms'],
    [
      [
        'direct: one database, prepared SELECT by primary key',
        Math.round(summary.direct.perSecond),
        '1.00×',
        ms(summary.direct.p50, 2),
        ms(summary.direct.p99, 2),
      ],
      [
        'direct, the same SELECT unprepared (planned every call)',
        Math.round(summary.unprepared.perSecond),
        ratio(summary.unprepared.perSecond, summary.direct.perSecond),
        ms(summary.unprepared.p50, 2),
        ms(summary.unprepared.p99, 2),
      ],
      [
        'routing decision only: id → logical shard → map → that shard, 4 databases',
        Math.round(summary.lookupOnly.perSecond),
        ratio(summary.lookupOnly.perSecond, summary.direct.perSecond),
        ms(summary.lookupOnly.p50, 2),
        ms(summary.lookupOnly.p99, 2),
      ],
      [
        'routed: UserStore.findById over 4 shard databases',
        Math.round(summary.routed.perSecond),
        ratio(summary.routed.perSecond, summary.direct.perSecond),
        ms(summary.routed.p50, 2),
        ms(summary.routed.p99, 2),
      ],
    ],
  );
  log(
    `overhead against the direct query: routing decision ${pct(1 - summary.lookupOnly.perSecond / summary.direct.perSecond)}, ` +
      `UserStore's whole read path ${pct(overhead)} (goal < 10%)`,
  );
  if (args.profile === true) await profileVariants({ direct: variants.direct, routed: variants.routed });
});

/**
 * Where this process's CPU goes per read, direct against routed: each variant under the V8 profiler
 * for SECONDS, self time by area divided by the reads it did (PostgreSQL's own CPU is not in it).
 */
async function profileVariants(toProfile) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  const perRead = {};
  for (const [name, call] of Object.entries(toProfile)) {
    log(`profiling ${name} for ${SECONDS} s`);
    await session.post('Profiler.start');
    const result = await closedLoop(call, { concurrency: CONCURRENCY, durationMs: SECONDS * 1_000 });
    const { profile } = await session.post('Profiler.stop');
    const file = path.join(harness.dir, `${name}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    const summary = summarizeProfile(file, { top: 12 });
    const reads = result.perSecond * SECONDS;
    perRead[name] = { reads, busyUs: (summary.busyMs * 1000) / reads, areas: summary.areas };
  }
  session.disconnect();
  const names = [...new Set(Object.values(perRead).flatMap((r) => r.areas.map((a) => a.name)))];
  const usOf = (name, area) => {
    const found = perRead[name].areas.find((a) => a.name === area);
    return found ? (found.ms * 1000) / perRead[name].reads : 0;
  };
  printTable(
    `This process's CPU per read (µs, self time by area), ${SECONDS} s of each variant under the profiler`,
    ['area', 'direct µs/read', 'routed µs/read', 'routed − direct'],
    [
      ...names
        .map((area) => [area, usOf('direct', area), usOf('routed', area)])
        .sort((a, b) => b[2] - b[1] - (a[2] - a[1]))
        .map(([area, d, r]) => [area, d.toFixed(2), r.toFixed(2), (r - d).toFixed(2)]),
      [
        'all (busy)',
        perRead.direct.busyUs.toFixed(2),
        perRead.routed.busyUs.toFixed(2),
        (perRead.routed.busyUs - perRead.direct.busyUs).toFixed(2),
      ],
    ],
  );
}
