// How fast each generator of @platform/ids issues ids in one process, one worker:
//   (a) the rate of each kind against its layout's limit (Snowflake 4,096 per ms = 4.096 M/s per
//       worker; Instagram-style 1,024 per ms = 1.024 M/s per shard) and against crypto.randomUUID();
//   (b) side by side with @sapphire/snowflake, a popular npm Snowflake package: rate, and duplicates
//       over 20 M ids generated in a tight loop, with the real clock and with a clock that advances
//       1 ms per 8,192 reads (a machine, or a burst, twice as fast as the layout's 4,096 per ms):
//       sapphire wraps its 12-bit increment within a millisecond, ours waits for the next one.
// Each rate: ROUNDS rounds of SECONDS each after a warm-up round, median round reported.
//
//   npx turbo run build --filter=@platform/ids --output-logs=errors-only
//   node bench/ids/generation-rate.mjs            # --quick: 3 rounds of 0.5 s, 2 M ids for (b)
//   flags: --rounds 5 --seconds 1 --ids 20000000

import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { Snowflake } from '@sapphire/snowflake';

import {
  InstagramGenerator,
  ObjectIdGenerator,
  SNOWFLAKE_EPOCH_MS,
  SnowflakeGenerator,
  UlidGenerator,
  UuidV7Generator,
} from '@platform/ids';

import { loadavg, machine, parseArgs } from '../lib/harness.mjs';
import { describeDisturbance, watchDisturbance } from '../lib/quiet.mjs';
import { printTable, ratio } from '../lib/table.mjs';
import { progressLog, tightLoopRate } from '../lib/tight-loop.mjs';

const args = parseArgs();
const QUICK = args.quick === true;
const ROUNDS = Number(args.rounds ?? (QUICK ? 3 : 5));
const SECONDS = Number(args.seconds ?? (QUICK ? 0.5 : 1));
const DUPLICATE_IDS = Number(args.ids ?? (QUICK ? 2_000_000 : 20_000_000));
const SNOWFLAKE_LIMIT = 4_096_000;
const INSTAGRAM_LIMIT = 1_024_000;

const log = progressLog();

/** Ids per second from `next`, called in a tight loop: the median of ROUNDS rounds of SECONDS. */
function rate(name, next) {
  const result = tightLoopRate(() => next(), { rounds: ROUNDS, seconds: SECONDS });
  log(`${name}: ${(result.median / 1e6).toFixed(3)} M ids/s (last id ${String(result.last).slice(0, 32)})`);
  return result;
}

/** Generates `count` 64-bit ids into one typed array (8 bytes each), then counts repeats after sorting. */
function duplicates(name, next, count) {
  const ids = new BigInt64Array(count);
  const begin = performance.now();
  for (let i = 0; i < count; i++) ids[i] = next();
  const seconds = (performance.now() - begin) / 1000;
  ids.sort();
  let repeated = 0;
  for (let i = 1; i < count; i++) if (ids[i] === ids[i - 1]) repeated++;
  log(
    `${name}: ${count.toLocaleString('en')} ids in ${seconds.toFixed(2)} s, ${repeated.toLocaleString('en')} duplicates`,
  );
  return { rate: count / seconds, repeated };
}

const fmt = (perSecond) => `${(perSecond / 1e6).toFixed(2)} M/s`;
const share = (value, limit) => `${((value / limit) * 100).toFixed(1)}%`;

log(`generation-rate: ${machine()}; load average ${loadavg()}`);
log(`${ROUNDS} rounds × ${SECONDS} s per case (after one warm-up round), median round`);
const disturbance = watchDisturbance();

const reference = rate('crypto.randomUUID()', () => randomUUID());
const snowflake = new SnowflakeGenerator({ datacenterId: 1, workerId: 1 });
const instagram = new InstagramGenerator();
const objectId = new ObjectIdGenerator();
const ulid = new UlidGenerator();
const uuidv7 = new UuidV7Generator();
const cases = [
  ['Snowflake (`SnowflakeGenerator.next`)', rate('Snowflake', () => snowflake.next()), SNOWFLAKE_LIMIT],
  ['Instagram-style, one shard', rate('Instagram-style', () => instagram.next(42)), INSTAGRAM_LIMIT],
  ['ObjectId', rate('ObjectId', () => objectId.next()), undefined],
  ['ULID (monotonic)', rate('ULID', () => ulid.next()), undefined],
  ['UUIDv7 (12-bit counter)', rate('UUIDv7', () => uuidv7.next()), undefined],
];
const sapphire = new Snowflake(BigInt(SNOWFLAKE_EPOCH_MS));
const sapphireRate = rate('@sapphire/snowflake', () => sapphire.generate());

printTable(
  `In-process generation, one worker (node ${process.version})`,
  [
    'generator',
    'ids/s (median)',
    'min–max round',
    'layout limit per worker',
    'share of limit',
    'vs crypto.randomUUID()',
  ],
  [
    ...cases.map(([name, r, limit]) => [
      name,
      fmt(r.median),
      `${fmt(r.min)}–${fmt(r.max)}`,
      limit ? fmt(limit) : 'none (random bits)',
      limit ? share(r.median, limit) : 'n/a',
      ratio(r.median, reference.median),
    ]),
    [
      '`crypto.randomUUID()` (UUIDv4, reference)',
      fmt(reference.median),
      `${fmt(reference.min)}–${fmt(reference.max)}`,
      'none',
      'n/a',
      '1.00×',
    ],
  ],
);

log(`duplicates over ${DUPLICATE_IDS.toLocaleString('en')} ids in a tight loop, each`);
/** A clock that moves 1 ms every `readsPerMs` reads, whatever the wall clock does. */
function fastMachineClock(readsPerMs) {
  const start = Date.now();
  let reads = 0;
  return { nowMs: () => start + Math.floor(reads++ / readsPerMs) };
}

const oursWith = (clock) => {
  const generator = new SnowflakeGenerator({ datacenterId: 1, workerId: 1, clock });
  return () => generator.next();
};
const theirsWith = (clock) => {
  const generator = new Snowflake(BigInt(SNOWFLAKE_EPOCH_MS));
  return clock ? () => generator.generate({ timestamp: clock.nowMs() }) : () => generator.generate();
};
const ours = duplicates('Snowflake (ours), real clock', oursWith(undefined), DUPLICATE_IDS);
const theirs = duplicates('@sapphire/snowflake, real clock', theirsWith(undefined), DUPLICATE_IDS);
const oursFast = duplicates(
  'Snowflake (ours), 8,192 reads/ms',
  oursWith(fastMachineClock(8192)),
  DUPLICATE_IDS,
);
const theirsFast = duplicates(
  '@sapphire/snowflake, 8,192 reads/ms',
  theirsWith(fastMachineClock(8192)),
  DUPLICATE_IDS,
);

printTable(
  `Side by side with @sapphire/snowflake 3.5.5 (same epoch, same 41/5/5/12 layout)`,
  [
    'generator',
    'rate (median of rounds)',
    'vs ours',
    `real clock: rate over ${DUPLICATE_IDS / 1e6} M`,
    'duplicates',
    `clock at 8,192 reads/ms: duplicates in ${DUPLICATE_IDS / 1e6} M`,
  ],
  [
    [
      '@platform/ids `SnowflakeGenerator`',
      fmt(cases[0][1].median),
      '1.00×',
      fmt(ours.rate),
      ours.repeated.toLocaleString('en'),
      oursFast.repeated.toLocaleString('en'),
    ],
    [
      '@sapphire/snowflake `generate()`',
      fmt(sapphireRate.median),
      ratio(sapphireRate.median, cases[0][1].median),
      fmt(theirs.rate),
      theirs.repeated.toLocaleString('en'),
      `${theirsFast.repeated.toLocaleString('en')} (${share(theirsFast.repeated, DUPLICATE_IDS)})`,
    ],
  ],
);
log(describeDisturbance(disturbance.stop()));
if (ours.repeated > 0 || oursFast.repeated > 0) {
  console.error('OUR GENERATOR REPEATED AN ID');
  process.exit(1);
}
process.exit(0);
