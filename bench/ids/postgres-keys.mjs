// What a primary key's kind costs in PostgreSQL: insert rate and primary-key index size for
// ROWS rows keyed by
//   Snowflake (bigint, 8 bytes), ULID (as text: 26 characters; and as uuid: its 128 bits),
//   UUIDv7 (uuid, 16 bytes) and UUIDv4 (uuid, crypto.randomUUID()).
// Each kind: a fresh table `(id <type> PRIMARY KEY, n integer NOT NULL)`, ids made by @platform/ids in
// the order an application would make them, inserted from one connection in batches of BATCH rows
// (`INSERT … SELECT FROM unnest($1::type[], $2::int[])`, one transaction each); then
// pg_relation_size of the primary-key index and of the table. The kinds run in turn, ROUNDS times,
// on a real PostgreSQL started for the run (durable settings: fsync on); median insert rate.
//
//   npx turbo run build --filter=@platform/ids --filter=@platform/local-infra --output-logs=errors-only
//   node bench/ids/postgres-keys.mjs               # --quick: 100,000 rows, 1 round
//   flags: --rows 1000000 --batch 10000 --rounds 3 --keep

import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import pg from 'pg';

import { decodeUlid, SnowflakeGenerator, UlidGenerator, UuidV7Generator } from '@platform/ids';
import { freePort, startPostgres } from '@platform/local-infra';

import { createHarness, loadavg, machine, parseArgs } from '../lib/harness.mjs';
import { median } from '../lib/open-loop.mjs';
import { describeDisturbance, watchDisturbance } from '../lib/quiet.mjs';
import { printTable, ratio } from '../lib/table.mjs';

const args = parseArgs();
const QUICK = args.quick === true;
const ROWS = Number(args.rows ?? (QUICK ? 100_000 : 1_000_000));
const BATCH = Number(args.batch ?? 10_000);
const ROUNDS = Number(args.rounds ?? (QUICK ? 1 : 3));

const harness = createHarness('ids-postgres-keys', { keep: args.keep === true });
const { log } = harness;

/** A ULID's 128 bits as a uuid (what a ULID column of type uuid holds). */
function ulidAsUuid(ulid) {
  const { timestampMs, randomness } = decodeUlid(ulid);
  const hex = timestampMs.toString(16).padStart(12, '0') + randomness;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const KINDS = [
  {
    name: 'Snowflake',
    column: 'bigint',
    make: () => {
      const generator = new SnowflakeGenerator({ datacenterId: 0, workerId: 1 });
      return () => String(generator.next());
    },
  },
  {
    name: 'ULID as text',
    column: 'text',
    make: () => {
      const generator = new UlidGenerator();
      return () => generator.next();
    },
  },
  {
    name: 'ULID as uuid',
    column: 'uuid',
    make: () => {
      const generator = new UlidGenerator();
      return () => ulidAsUuid(generator.next());
    },
  },
  {
    name: 'UUIDv7',
    column: 'uuid',
    make: () => {
      const generator = new UuidV7Generator();
      return () => generator.next();
    },
  },
  { name: 'UUIDv4 (random)', column: 'uuid', make: () => () => randomUUID() },
];

async function insertAll(client, kind, table) {
  await client.query(`DROP TABLE IF EXISTS ${table}`);
  await client.query(`CREATE TABLE ${table} (id ${kind.column} PRIMARY KEY, n integer NOT NULL)`);
  const next = kind.make();
  // Ids are made before the clock starts: this measures PostgreSQL, not the generator.
  const batches = [];
  for (let done = 0; done < ROWS; done += BATCH) {
    const size = Math.min(BATCH, ROWS - done);
    batches.push({
      ids: Array.from({ length: size }, next),
      ns: Array.from({ length: size }, (_, i) => done + i),
    });
  }
  const sql = `INSERT INTO ${table} (id, n) SELECT * FROM unnest($1::${kind.column}[], $2::int[])`;
  const begin = performance.now();
  for (const batch of batches) await client.query(sql, [batch.ids, batch.ns]);
  const seconds = (performance.now() - begin) / 1000;
  const { rows } = await client.query(
    `SELECT pg_relation_size('${table}_pkey') AS index_bytes, pg_relation_size('${table}') AS table_bytes,
            (SELECT count(*) FROM ${table})::int AS rows`,
  );
  if (rows[0].rows !== ROWS) throw new Error(`${table} has ${rows[0].rows} rows, expected ${ROWS}`);
  return { seconds, indexBytes: Number(rows[0].index_bytes), tableBytes: Number(rows[0].table_bytes) };
}

async function main() {
  log(`postgres-keys: ${machine()}; load average ${loadavg()}`);
  log(
    `${ROWS.toLocaleString('en')} rows per kind in batches of ${BATCH.toLocaleString('en')}, ${ROUNDS} round(s)`,
  );
  const postgres = await startPostgres({
    dataDir: path.join(harness.dir, 'postgres'),
    port: await freePort(),
    logFile: path.join(harness.dir, 'postgres.log'),
    persistent: false,
    onProgress: (message) => log(`postgres: ${message}`),
  });
  harness.onCleanup(() => postgres.stop());
  await postgres.ensureDatabase('keys');
  const client = new pg.Client({ connectionString: postgres.url('keys') });
  // pg emits 'error' when the connection drops; unheard, it would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  harness.onCleanup(() => client.end());
  const { rows: settings } = await client.query(
    "SELECT current_setting('shared_buffers') AS shared_buffers, current_setting('fsync') AS fsync",
  );
  log(
    `PostgreSQL ${postgres.version}, shared_buffers ${settings[0].shared_buffers}, fsync ${settings[0].fsync}`,
  );

  const results = new Map(KINDS.map((kind) => [kind.name, []]));
  const disturbance = watchDisturbance();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [index, kind] of KINDS.entries()) {
      const result = await insertAll(client, kind, `keys_${index}`);
      results.get(kind.name).push(result);
      log(
        `round ${round}, ${kind.name}: ${(ROWS / result.seconds).toFixed(0)} rows/s, ` +
          `pkey ${(result.indexBytes / 2 ** 20).toFixed(1)} MiB, table ${(result.tableBytes / 2 ** 20).toFixed(1)} MiB`,
      );
      await client.query(`DROP TABLE keys_${index}`);
    }
  }
  const seen = disturbance.stop();

  const summary = KINDS.map((kind) => {
    const runs = results.get(kind.name);
    return {
      kind,
      rate: median(runs.map((r) => ROWS / r.seconds)),
      indexBytes: median(runs.map((r) => r.indexBytes)),
      tableBytes: median(runs.map((r) => r.tableBytes)),
    };
  });
  const [reference] = summary;
  const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  printTable(
    `${ROWS.toLocaleString('en')} rows per key kind, PostgreSQL ${postgres.version}, median of ${ROUNDS} round(s)`,
    [
      'key',
      'column',
      'inserts/s',
      'vs Snowflake',
      'pkey index',
      'vs Snowflake',
      'bytes per key in index',
      'table',
    ],
    summary.map((s) => [
      s.kind.name,
      s.kind.column,
      Math.round(s.rate).toLocaleString('en'),
      ratio(s.rate, reference.rate),
      mib(s.indexBytes),
      ratio(s.indexBytes, reference.indexBytes),
      (s.indexBytes / ROWS).toFixed(1),
      mib(s.tableBytes),
    ]),
  );
  log(describeDisturbance(seen));
}

await harness.run(main);
