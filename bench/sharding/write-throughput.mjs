// How many users a second user-service can create with 1, 2 and 4 physical shards on this machine,
// and what a write costs against the physical limit of the same hardware: a plain INSERT committed
// in one database. A user-service create is a two-phase write (prepare the row on its shard, record
// the decision and the email in the catalog, commit the prepared row), three commits that each wait
// for the disk (fsync on, as a deployment runs), so it is slower than a plain INSERT by design.
// Shards alternate between two PostgreSQL servers; everything (the servers, Kafka and this Node
// process) shares this machine's cores, so more shards add servers' work, not cores.
//
//   npx turbo run build --output-logs=errors-only && node bench/sharding/write-throughput.mjs
//   flags: --concurrency 32 --seconds 10 --quick --keep

import pg from 'pg';

import { createHarness, loadavg, machine, parseArgs } from '../lib/harness.mjs';
import { ms } from '../lib/open-loop.mjs';
import { describeDisturbance, waitQuiet, watchDisturbance } from '../lib/quiet.mjs';
import { printTable, ratio } from '../lib/table.mjs';
import { closedLoop } from './lib/closed-loop.mjs';
import { startInfra, startUserService, userFactory } from './lib/user-rig.mjs';

const args = parseArgs();
const QUICK = args.quick === true;
const CONCURRENCY = Number(args.concurrency ?? 32);
const SECONDS = Number(args.seconds ?? (QUICK ? 3 : 10));

const harness = createHarness('sharding-write-throughput', { keep: args.keep === true });
const { log } = harness;

await harness.run(async () => {
  log(`machine: ${machine()}; load average ${loadavg()}`);
  const infra = await startInfra(harness, ['a', 'b']);
  await waitQuiet(log);
  const disturbance = watchDisturbance();
  const rows = [];

  // The physical limit: one INSERT per user, committed on its own, into one database.
  await infra.a.ensureDatabase('plain');
  const plain = new pg.Pool({ connectionString: infra.a.url('plain'), max: CONCURRENCY });
  harness.onCleanup(() => plain.end());
  await plain.query('CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text NOT NULL)');
  const plainUsers = userFactory(1_024, 'plain');
  const insert = async () => {
    const user = plainUsers();
    await plain.query({
      name: 'insert-user',
      text: 'INSERT INTO users (id, email, name) VALUES ($1, $2, $3)',
      values: [user.id, user.email, user.name],
    });
  };
  await closedLoop(insert, { concurrency: CONCURRENCY, durationMs: 1_000 });
  const reference = await closedLoop(insert, { concurrency: CONCURRENCY, durationMs: SECONDS * 1_000 });
  log(`plain INSERT: ${Math.round(reference.perSecond)} rows/s`);
  rows.push([
    'plain INSERT, one database (the physical limit)',
    Math.round(reference.perSecond),
    '1.00×',
    ms(reference.p50),
    ms(reference.p99),
  ]);

  for (const count of [1, 2, 4]) {
    const label = `writes_${count}`;
    const rig = await startUserService(harness, infra, {
      label,
      catalog: ['a', `${label}_catalog`],
      shards: Array.from({ length: count }, (_, i) => [i % 2 ? 'b' : 'a', `${label}_users_${i}`]),
      initialShards: count,
    });
    const next = userFactory(rig.maps.map.logicalShards, label);
    const create = () => rig.store.create(next());
    await closedLoop(create, { concurrency: CONCURRENCY, durationMs: 1_000 });
    const result = await closedLoop(create, { concurrency: CONCURRENCY, durationMs: SECONDS * 1_000 });
    if (result.errors > 0)
      throw new Error(`${count} shard(s): ${result.errors} errors, first: ${result.firstError}`);
    const servers = count === 1 ? 'server a' : 'servers a and b';
    log(`${count} shard(s): ${Math.round(result.perSecond)} creates/s, p99 ${ms(result.p99)} ms`);
    rows.push([
      `user-service create, ${count} shard${count > 1 ? 's' : ''} on ${servers}`,
      Math.round(result.perSecond),
      ratio(result.perSecond, reference.perSecond),
      ms(result.p50),
      ms(result.p99),
    ]);
  }

  printTable(
    `New users per second at concurrency ${CONCURRENCY}, ${SECONDS} s each, fsync on (${describeDisturbance(disturbance.stop())})`,
    ['writes', 'per second', 'vs plain INSERT', 'p50 ms', 'p99 ms'],
    rows,
  );
});
