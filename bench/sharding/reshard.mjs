// Online resharding, measured: one shard database holds every user; POST /admin/reshard's job
// (Resharder.start) doubles onto a second database on the other PostgreSQL server, moving half the
// logical shards (512 of 1,024) one at a time — copy, catch up, fence, flip the map, clean up —
// while writes keep arriving at a steady rate (open loop: a write is sent every 1/RATE s whether or
// not earlier ones have finished); a quarter of them rename users on the logical shard being moved at
// that moment. Reports how long the move took, how long each logical shard's writes were fenced, and
// write latency overall and for the writes that met a fence.
//
//   npx turbo run build --output-logs=errors-only && node bench/sharding/reshard.mjs
//   flags: --users 200000 (half of them move) --rate 200 --quick (20,000 users) --keep

import { performance } from 'node:perf_hooks';

import { logicalShardOf } from '@platform/sharding';

import { createHarness, loadavg, machine, parseArgs, sleep } from '../lib/harness.mjs';
import { ms, percentile } from '../lib/open-loop.mjs';
import { describeDisturbance, waitQuiet, watchDisturbance } from '../lib/quiet.mjs';
import { printTable } from '../lib/table.mjs';
import { seedUsers, startInfra, startUserService, userFactory } from './lib/user-rig.mjs';

const args = parseArgs();
const QUICK = args.quick === true;
const USERS = Number(args.users ?? (QUICK ? 20_000 : 200_000));
const RATE = Number(args.rate ?? 200);

const harness = createHarness('sharding-reshard', { keep: args.keep === true });
const { log } = harness;

/** Latency summary of a list of write records. */
function latencies(writes) {
  const sorted = writes.map((w) => w.ms).sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? NaN,
  };
}

await harness.run(async () => {
  log(`machine: ${machine()}; load average ${loadavg()}`);
  const infra = await startInfra(harness, ['a', 'b']);
  const rig = await startUserService(harness, infra, {
    label: 'reshard',
    catalog: ['a', 'reshard_catalog'],
    shards: [
      ['a', 'reshard_users_0'],
      ['b', 'reshard_users_1'],
    ],
    initialShards: 1,
  });
  const seeded = await seedUsers(harness, rig, USERS);
  const logicalShards = rig.maps.map.logicalShards;

  // The steady writes: half new users, half renames of existing ones — of those, half aimed at the
  // logical shard being moved right now (so some writes meet its fence), half at anyone.
  const byLogical = new Map();
  for (const id of seeded) {
    const logical = Number((id >> 10n) & 8191n);
    if (!byLogical.has(logical)) byLogical.set(logical, []);
    byLogical.get(logical).push(id);
  }
  let moving;
  const writes = [];
  const newUser = userFactory(logicalShards, 'during');
  let stopWriting = false;
  const writer = (async () => {
    const inFlight = new Set();
    const started = performance.now();
    for (let i = 0; !stopWriting; i++) {
      const due = started + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const create = i % 2 === 0;
      const user = create ? newUser() : undefined;
      const pool =
        !create && moving !== undefined && i % 4 === 1 ? (byLogical.get(moving) ?? seeded) : seeded;
      const id = create ? user.id : pool[Math.floor(Math.random() * pool.length)];
      const record = {
        at: Date.now(),
        logical: logicalShardOf(create ? user.email : '', logicalShards),
        ok: false,
      };
      if (!create) record.logical = Number((id >> 10n) & 8191n);
      const t0 = performance.now();
      const call = create ? rig.store.create(user) : rig.store.update(id, { name: `renamed ${i}` });
      const done = call
        .then(
          () => (record.ok = true),
          (error) => (record.error = error?.code ?? String(error)),
        )
        .finally(() => {
          record.ms = performance.now() - t0;
          record.end = Date.now();
          writes.push(record);
          inFlight.delete(done);
        });
      inFlight.add(done);
    }
    await Promise.all(inFlight);
  })();

  await sleep(2_000);
  await waitQuiet(log);
  const disturbance = watchDisturbance();
  const reshardStart = Date.now();
  const job = await rig.resharder.start({ source: 'reshard_users_0', target: 'reshard_users_1' });
  log(`reshard ${job.id}: ${job.moves.length} logical shards from ${job.source} to ${job.target}`);
  let finished;
  for (let polls = 1; ; polls++) {
    await sleep(100);
    finished = await rig.resharder.job(job.id);
    moving = finished.moves.find((m) => m.state !== 'done')?.logicalShard;
    const copied = finished.moves.reduce((sum, m) => sum + m.copied, 0);
    if (polls % 20 === 0 || finished.state !== 'running')
      log(
        `  ${finished.counts.done}/${finished.moves.length} moved, ${copied.toLocaleString('en-US')} users copied, ${writes.length} writes so far`,
      );
    if (finished.state !== 'running') break;
  }
  moving = undefined;
  const reshardMs = Date.now() - reshardStart;
  await sleep(2_000);
  stopWriting = true;
  await writer;
  const quiet = describeDisturbance(disturbance.stop());
  if (finished.state !== 'done') throw new Error(`the job ended ${finished.state}: ${finished.error}`);

  const moved = finished.moves.reduce((sum, m) => sum + m.copied, 0);
  const fences = finished.moves.map((m) => ({
    logical: m.logicalShard,
    from: Date.parse(m.fencedAt),
    to: Date.parse(m.fencedAt) + m.fenceMs,
    ms: m.fenceMs,
  }));
  const fenceOf = new Map(fences.map((f) => [f.logical, f]));
  const during = writes.filter((w) => w.at >= reshardStart && w.at <= reshardStart + reshardMs);
  const metFence = during.filter((w) => {
    const fence = fenceOf.get(w.logical);
    return fence && w.at <= fence.to && w.end >= fence.from;
  });
  const anyFenceUp = during.filter((w) => fences.some((f) => w.at <= f.to && w.end >= f.from));
  const failed = writes.filter((w) => !w.ok);
  const fenceLatency = latencies(fences);

  printTable(
    `Moving ${moved.toLocaleString('en-US')} users (512 logical shards) between two PostgreSQL servers at ${RATE} writes/s (${quiet})`,
    ['measure', 'value'],
    [
      ['users moved', moved.toLocaleString('en-US')],
      ['time to move them', `${(reshardMs / 1000).toFixed(1)} s`],
      ['users moved per second', Math.round(moved / (reshardMs / 1000)).toLocaleString('en-US')],
      [
        'fence per logical shard, p50 / p99 / max',
        `${ms(fenceLatency.p50)} / ${ms(fenceLatency.p99)} / ${ms(fenceLatency.max)} ms`,
      ],
      ['writes during the move (failed)', `${during.length} (${failed.length})`],
      ['write latency during the move, p50 / p99 / max', fmt(latencies(during))],
      ['writes while any fence was up, p50 / p99 / max', fmt(latencies(anyFenceUp))],
      [
        `writes to a logical shard while it was fenced (${metFence.length}), p50 / p99 / max`,
        fmt(latencies(metFence)),
      ],
      ['writes before the move, p50 / p99 / max', fmt(latencies(writes.filter((w) => w.end < reshardStart)))],
    ],
  );
  if (failed.length > 0) log(`failed writes: ${[...new Set(failed.map((w) => w.error))].join(', ')}`);
});

function fmt({ n, p50, p99, max }) {
  return n === 0 ? 'none' : `${ms(p50)} / ${ms(p99)} / ${ms(max)} ms (${n})`;
}
