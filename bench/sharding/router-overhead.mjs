// What routing costs a read: GET-by-id through user-service's UserStore (logical shard from the id,
// shard map, per-shard breaker; the shard's ownership is checked only when the row is not there) against the
// same primary-key SELECT sent straight to one database holding the same users, at the same
// concurrency (1, 16 and 64 callers: one table each) and with the same connections to the same
// PostgreSQL server (USER_CONNECTIONS_PER_SERVER, which user-service splits among its shard databases
// there), in the same process. Goal (issue 5): < 10% overhead.
// Two layouts of the routed side, each against its own reference in the same run: all logical
// shards on one shard database (the router's own cost: one database on each side, on the same server,
// with the same connections), and on four shard databases of that one server (adding what
// spreading one 2-core server's connections and backends over four databases costs, which a
// deployment with a server per shard does not pay).
// Every round runs each variant for a short slice (0.1 s), in rotating order, and compares them
// within the round: this machine's speed swings by ±30% from one half-second to the next (client and
// server CPU per read alike), which a ratio of adjacent slices mostly cancels and a ratio of whole
// runs does not. Many rounds, then the median ratio and the middle half of rounds. A second
// table puts the router's own CPU per read, timed with the shard pools answering from memory, beside
// this process's CPU per read under load.
//
//   npx turbo run build --output-logs=errors-only && node bench/sharding/router-overhead.mjs
//   flags: --users 100000 --shards 1,4 --concurrency 1,16,64 --connections 16 --seconds 0.1 --rounds 150
//          --quick --keep
//          --profile: then profile this process (node:inspector) under the direct and the routed
//          variant for --profile-seconds (3) each, and print CPU time per read by area, side by side.

import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

import pg from 'pg';

import { summarizeProfile } from '../lib/cpu-profile.mjs';
import { createHarness, loadavg, machine, parseArgs } from '../lib/harness.mjs';
import { median, ms, pct, percentile } from '../lib/open-loop.mjs';
import { describeDisturbance, waitQuiet, watchDisturbance } from '../lib/quiet.mjs';
import { printTable } from '../lib/table.mjs';
import { closedLoop } from './lib/closed-loop.mjs';
import { seedUsers, startInfra, startUserService } from './lib/user-rig.mjs';

const args = parseArgs();
const QUICK = args.quick === true;
const USERS = Number(args.users ?? (QUICK ? 20_000 : 100_000));
/** Callers at once, the same for every variant; one table per level. */
const CONCURRENCIES = String(args.concurrency ?? '1,16,64')
  .split(',')
  .map(Number);
/** Connections to the server for both paths: the direct pool's size, user-service's budget per server. */
const CONNECTIONS = Number(args.connections ?? 16);
/** One slice: a variant's run within a round. */
const SECONDS = Number(args.seconds ?? 0.1);
const ROUNDS = Number(args.rounds ?? (QUICK ? 30 : 150));
const PROFILE_SECONDS = Number(args['profile-seconds'] ?? 3);

/** Shard databases on the routed side, one layout each (all on the same server). */
const LAYOUTS = String(args.shards ?? '1,4')
  .split(',')
  .map(Number);
for (const value of [...LAYOUTS, ...CONCURRENCIES])
  if (!Number.isInteger(value) || value < 1)
    throw new Error(
      `--shards and --concurrency take whole numbers of at least 1, comma-separated; got ${value}`,
    );

const harness = createHarness('sharding-router-overhead', { keep: args.keep === true });
const { log } = harness;

await harness.run(async () => {
  log(`machine: ${machine()}; load average ${loadavg()}`);
  const infra = await startInfra(harness, ['a']);
  const overheads = [];
  let last;
  for (const shards of LAYOUTS) {
    const layout = await startLayout(infra, shards);
    await waitQuiet(log);
    let atSixteen;
    for (const concurrency of CONCURRENCIES) {
      const summary = await measureAt(concurrency, layout);
      atSixteen = concurrency === 16 || !atSixteen ? summary : atSixteen;
      overheads.push([
        layout.describe,
        concurrency,
        pct(1 - summary.lookupOnly.vsDirect),
        pct(1 - summary.routed.vsDirect),
        1 - summary.routed.vsDirect < 0.1 ? 'yes' : 'no',
      ]);
    }
    await inMemoryCost(layout, atSixteen);
    last = layout;
  }
  printTable(
    `Overhead against the direct query, by layout and concurrency (the same on both sides; ${CONNECTIONS} connections each)`,
    ['routed side', 'concurrency', 'routing decision only', "UserStore's whole read path", 'goal < 10% met'],
    overheads,
  );
  if (args.profile === true)
    await profileVariants({ direct: last.variants.direct, routed: last.variants.routed });
});

/**
 * A user-service whose logical shards all live on `shards` databases of server a, USERS users seeded
 * into it, and the reference: the same users in one plain table of another database there. Returns
 * the variants to compare.
 */
async function startLayout(infra, shards) {
  const label = `router_${shards}`;
  const rig = await startUserService(harness, infra, {
    label,
    catalog: ['a', `${label}_catalog`],
    shards: Array.from({ length: shards }, (_, i) => ['a', `${label}_users_${i}`]),
    initialShards: shards,
    env: { USER_CONNECTIONS_PER_SERVER: String(CONNECTIONS) },
  });
  const describe = shards === 1 ? 'one shard database' : `${shards} shard databases`;
  log(`${describe}: seeding`);
  const ids = await seedUsers(harness, rig, USERS, { prefix: label });

  const reference = `${label}_direct`;
  await infra.a.ensureDatabase(reference);
  const direct = new pg.Pool({ connectionString: infra.a.url(reference), max: CONNECTIONS });
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
  log(`${describe}: reference table of ${ids.length.toLocaleString('en-US')} users in one database`);

  const pick = () => ids[Math.floor(Math.random() * ids.length)];
  const shardPools = new Map(
    rig.maps.map.shards.map((s) => [
      s.name,
      new pg.Pool({ connectionString: rig.shardUrl(s.name), max: rig.shardPoolSize(s.name) }),
    ]),
  );
  harness.onCleanup(() => Promise.all([...shardPools.values()].map((p) => p.end())));
  // Both sides freshly loaded: vacuumed and analysed, and written out, so no autovacuum or hint-bit
  // writes run under one variant and not the other.
  for (const pool of [direct, ...shardPools.values()]) await pool.query('VACUUM ANALYZE');
  await direct.query('CHECKPOINT');
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
  // Warm every variant: connections, plans, caches.
  for (const call of Object.values(variants))
    await closedLoop(call, { concurrency: Math.max(...CONCURRENCIES), durationMs: 1_000 });
  return { rig, ids, describe, variants };
}

/**
 * The order the variants run in, round by round: every variant takes every place in turn, forwards
 * and backwards, so none is always first or last, next to the round's bookkeeping, or after the
 * same neighbour.
 */
function orderOf(names, round) {
  const shift = Math.floor(round / 2) % names.length;
  const rotated = [...names.slice(shift), ...names.slice(0, shift)];
  return round % 2 ? rotated : rotated.reverse();
}

/** ROUNDS rounds of every variant of `layout` at `concurrency`: the table, and the medians per variant. */
async function measureAt(concurrency, { variants, describe }) {
  const names = ['direct', 'routed', 'lookupOnly', 'unprepared'];
  const runs = Object.fromEntries(names.map((name) => [name, []]));
  const disturbance = watchDisturbance();
  for (let round = 1; round <= ROUNDS; round++) {
    const results = {};
    for (const name of orderOf(names, round)) {
      const cpuBefore = process.cpuUsage();
      const result = await closedLoop(variants[name], { concurrency, durationMs: SECONDS * 1_000 });
      const cpu = process.cpuUsage(cpuBefore);
      result.cpuUs = (cpu.user + cpu.system) / result.count;
      if (result.errors > 0) throw new Error(`${name}: ${result.errors} errors, first: ${result.firstError}`);
      results[name] = result;
    }
    for (const name of names)
      runs[name].push({ ...results[name], vsDirect: results[name].perSecond / results.direct.perSecond });
    if (round % 25 === 0 || round === ROUNDS)
      log(
        `${describe}, concurrency ${concurrency}, round ${round}/${ROUNDS}, medians so far: ` +
          names
            .map((name) => {
              const perSecond = median(runs[name].map((r) => r.perSecond));
              return `${name} ${Math.round(perSecond).toLocaleString('en-US')}/s (${median(runs[name].map((r) => r.vsDirect)).toFixed(2)}×)`;
            })
            .join(', '),
      );
  }
  const summary = Object.fromEntries(
    names.map((name) => {
      const of = (key) => runs[name].map((r) => r[key]);
      return [
        name,
        {
          perSecond: median(of('perSecond')),
          vsDirect: median(of('vsDirect')),
          vsDirectMiddle: [0.25, 0.75].map((q) =>
            percentile(
              of('vsDirect').sort((a, b) => a - b),
              q,
            ),
          ),
          vsLookup: median(runs[name].map((r, i) => r.perSecond / runs.lookupOnly[i].perSecond)),
          p50: median(of('p50')),
          p99: median(of('p99')),
          cpuUs: median(of('cpuUs')),
        },
      ];
    }),
  );
  const row = (label, name) => {
    const s = summary[name];
    const [low, high] = s.vsDirectMiddle;
    return [
      label,
      Math.round(s.perSecond),
      `${s.vsDirect.toFixed(2)}×`,
      name === 'direct' ? '—' : `${low.toFixed(2)}–${high.toFixed(2)}`,
      ms(s.p50, 2),
      ms(s.p99, 2),
    ];
  };
  printTable(
    `Reads by id, routed over ${describe}, at concurrency ${concurrency}, ${CONNECTIONS} connections, ${USERS.toLocaleString('en-US')} users; medians of ${ROUNDS} rounds of ${SECONDS} s per variant, each compared with direct in its round (${describeDisturbance(disturbance.stop())})`,
    ['path', 'reads/s', 'vs direct', 'middle half of rounds', 'p50 ms', 'p99 ms'],
    [
      row('direct: one database, prepared SELECT by primary key', 'direct'),
      row('direct, the same SELECT unprepared (planned every call)', 'unprepared'),
      row(`routing decision only: id → logical shard → map → that shard's pool, ${describe}`, 'lookupOnly'),
      row(`routed: UserStore.findById over ${describe}`, 'routed'),
    ],
  );
  log(
    `${describe}, concurrency ${concurrency}: overhead against the direct query: routing decision ${pct(1 - summary.lookupOnly.vsDirect)}, ` +
      `UserStore's whole read path ${pct(1 - summary.routed.vsDirect)} (goal < 10%); ` +
      `UserStore's path over the routing decision alone ${pct(1 - summary.routed.vsLookup)}`,
  );
  return summary;
}

/**
 * The router's own CPU per read, free of the database and of the machine's noise: user-service's
 * shard pools answer from memory for a moment, and one caller times the bare pool call, the routing
 * decision plus that call, and UserStore.findById. Set beside this process's CPU per read under load.
 */
async function inMemoryCost({ rig, ids, describe }, summary) {
  const pools = [...rig.store.shards.shards.values()].map((shard) => shard.pool);
  const answer = {
    rows: [{ id: ids[0], email: 'a@example.com', name: 'A', created_at: new Date(), updated_at: new Date() }],
  };
  const saved = pools.map((pool) => pool.query);
  // Promise-style, or callback-style as user-service's one-step read calls it (answered in a microtask).
  const fromMemory = (_config, callback) => {
    if (!callback) return Promise.resolve(answer);
    queueMicrotask(() => callback(undefined, answer));
  };
  for (const pool of pools) pool.query = fromMemory;
  const poolOf = (id) =>
    rig.store.shards.shards.get(rig.maps.map.physicalOf(rig.maps.router.logicalShardOf(id)).name).pool;
  const calls = {
    pool: (id) => pools[0].query({ name: 'user-by-id', text: 'SELECT 1', values: [id] }),
    lookupOnly: (id) => poolOf(id).query({ name: 'user-by-id', text: 'SELECT 1', values: [id] }),
    routed: (id) => rig.store.findById(id),
  };
  const perCall = {};
  try {
    for (const [name, call] of Object.entries(calls)) {
      const rounds = [];
      for (let round = 0; round < 5; round++) {
        const count = 200_000;
        const started = process.cpuUsage();
        for (let i = 0; i < count; i++) await call(ids[i % ids.length]);
        const used = process.cpuUsage(started);
        rounds.push((used.user + used.system) / count);
      }
      perCall[name] = median(rounds);
    }
  } finally {
    pools.forEach((pool, i) => (pool.query = saved[i]));
  }
  const over = (name) => perCall[name] - perCall.pool;
  printTable(
    `Routed over ${describe}: this process's CPU per read, µs: under load (median of rounds), and in memory (the shard pools answering from memory, one caller, median of 5 × 200,000)`,
    [
      'path',
      'under load',
      'in memory',
      'in memory, over the bare pool call',
      'that, as a share of a direct read under load',
    ],
    [
      ['direct query (pg pool, real database)', summary.direct.cpuUs.toFixed(1), '—', '—', '—'],
      ['bare pool call', '—', perCall.pool.toFixed(2), '0', '—'],
      [
        'routing decision + pool call',
        summary.lookupOnly.cpuUs.toFixed(1),
        perCall.lookupOnly.toFixed(2),
        over('lookupOnly').toFixed(2),
        pct(over('lookupOnly') / summary.direct.cpuUs),
      ],
      [
        'UserStore.findById',
        summary.routed.cpuUs.toFixed(1),
        perCall.routed.toFixed(2),
        over('routed').toFixed(2),
        pct(over('routed') / summary.direct.cpuUs),
      ],
    ],
  );
}

/**
 * Where this process's CPU goes per read, direct against routed at 16 callers: each variant under the
 * V8 profiler for PROFILE_SECONDS, self time by area divided by the reads it did (PostgreSQL's own CPU
 * is not in it).
 */
async function profileVariants(toProfile) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  const perRead = {};
  for (const [name, call] of Object.entries(toProfile)) {
    log(`profiling ${name} for ${PROFILE_SECONDS} s`);
    await session.post('Profiler.start');
    const result = await closedLoop(call, { concurrency: 16, durationMs: PROFILE_SECONDS * 1_000 });
    const { profile } = await session.post('Profiler.stop');
    const file = path.join(harness.dir, `${name}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    const summary = summarizeProfile(file, { top: 12 });
    const reads = result.perSecond * PROFILE_SECONDS;
    perRead[name] = { reads, busyUs: (summary.busyMs * 1000) / reads, areas: summary.areas };
  }
  session.disconnect();
  const names = [...new Set(Object.values(perRead).flatMap((r) => r.areas.map((a) => a.name)))];
  const usOf = (name, area) => {
    const found = perRead[name].areas.find((a) => a.name === area);
    return found ? (found.ms * 1000) / perRead[name].reads : 0;
  };
  printTable(
    `This process's CPU per read (µs, self time by area), ${PROFILE_SECONDS} s of each variant under the profiler`,
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
