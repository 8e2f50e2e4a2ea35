// How evenly each sharding strategy spreads one key set, and how many keys move when shards are added:
//   (a) skew per strategy on 4 physical shards: range, modulo, directory, logical shards, consistent hashing;
//   (b) the same after deleting the oldest 50% of keys (range's weak spot);
//   (c) the share of keys that move going from N to N+1 and from N to 2N shards.
// The key set: KEYS Instagram-style user ids issued over a simulated year (2025, signups growing from
// 1× to 2× a day over the year), each on the logical shard of its email (hash(email) mod 1,024, as
// user-service asks id-service for an id on the email's shard), plus the emails themselves.
// Deterministic: the same KEYS always gives the same tables.
//
// Run after building the packages:
//   npx turbo run build --filter=@platform/sharding --filter=@platform/balancing && node bench/sharding/distribution.mjs
// KEYS and SHARDS in the environment change the defaults (1,000,000 and 4).

import { ConsistentHashPicker } from '@platform/balancing';
import { encodeInstagram } from '@platform/ids';
import {
  DirectoryShardRouter,
  InMemoryShardDirectory,
  logicalShardOf,
  LogicalShardRouter,
  ModuloShardRouter,
  planDoubling,
  RangeShardRouter,
  ShardMap,
} from '@platform/sharding';

const KEYS = positiveInteger('KEYS', 1_000_000);
const N = positiveInteger('SHARDS', 4);
const LOGICAL = 1_024;
const YEAR_START = Date.UTC(2025, 0, 1);
const YEAR_MS = 365 * 24 * 3_600_000;

const started = Date.now();
const progress = (text) =>
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${text}`);
const shards = (count) => Array.from({ length: count }, (_, id) => ({ id, name: `users_${id}` }));

// --- the key set ------------------------------------------------------------------------------------

/** mulberry32: a small seeded PRNG, so every run sees the same keys. */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

progress(`generating ${KEYS.toLocaleString('en')} users over a simulated year`);
const next = random(42);
const ids = new Array(KEYS);
const emails = new Array(KEYS);
for (let i = 0; i < KEYS; i++) {
  // Signup rate grows linearly from 1 to 2 over the year: invert its CDF at an evenly spread point.
  const u = (i + next()) / KEYS;
  const timestampMs = YEAR_START + Math.floor(YEAR_MS * (Math.sqrt(1 + 3 * u) - 1));
  emails[i] = `user${i}.${Math.floor(next() * 1e6)}@example.com`;
  ids[i] = encodeInstagram({ timestampMs, shard: logicalShardOf(emails[i], LOGICAL), sequence: i % 1_024 });
}

// --- strategies -------------------------------------------------------------------------------------

/** Range: one calendar quarter of ids per shard (for N = 4), set up front as an operator would. */
function rangeRouter(count) {
  const boundary = (q) =>
    encodeInstagram({ timestampMs: YEAR_START + Math.floor((YEAR_MS * q) / count), shard: 0, sequence: 0 });
  const all = shards(count);
  return new RangeShardRouter(
    all.map((shard, q) => ({
      from: q === 0 ? 0n : boundary(q),
      to: q === count - 1 ? 1n << 64n : boundary(q + 1),
      shard,
    })),
  );
}

/** Consistent hashing: @platform/balancing's ring (160 virtual nodes each) keyed by the id's digits. */
function ringAssign(count, keys) {
  const picker = new ConsistentHashPicker();
  const endpoints = shards(count).map((shard) => ({ id: shard.name }));
  return keys.map((key) => picker.pick(endpoints, { key: key.toString() }).id);
}

const syncAssign = (router, keys) => keys.map((key) => router.shardFor(key).name);

/** Directory: each new key goes to the shard with the fewest keys so far; routed through the cache. */
async function directoryAssign(directory, keys) {
  const router = new DirectoryShardRouter({ directory, shards: shards(2 * N) });
  const owners = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) owners[i] = (await router.locate(keys[i])).name;
  return owners;
}

function fillDirectory(keys, count) {
  const directory = new InMemoryShardDirectory();
  const sizes = new Array(count).fill(0);
  for (const key of keys) {
    const smallest = sizes.indexOf(Math.min(...sizes));
    directory.assign(key, `users_${smallest}`);
    sizes[smallest]++;
  }
  return directory;
}

/**
 * Rebalance a directory onto `count` shards by reassigning as few keys as possible: every shard above
 * its fair share hands its newest surplus keys to the new shards. Only those keys move.
 */
function rebalanceDirectory(directory, keys, owners, count) {
  const byShard = new Map();
  keys.forEach((key, i) => {
    if (!byShard.has(owners[i])) byShard.set(owners[i], []);
    byShard.get(owners[i]).push(key);
  });
  const fair = Math.ceil(keys.length / count);
  const surplus = [];
  for (const list of byShard.values()) for (let i = fair; i < list.length; i++) surplus.push(list[i]);
  const newcomers = shards(count).filter((shard) => !byShard.has(shard.name));
  surplus.forEach((key, i) => directory.assign(key, newcomers[i % newcomers.length].name));
  return directory;
}

/** Logical shards: N → N+1 is one doubling of the largest shard; N → 2N doubles every shard once. */
function doubled(map, count) {
  for (let id = map.shards.length; id < count; id++) {
    const plan = planDoubling(map, { id, name: `users_${id}` });
    map = map.move(plan.moves, plan.target);
  }
  return map;
}

// --- measures ---------------------------------------------------------------------------------------

function skew(owners, count) {
  const counts = new Map(shards(count).map((shard) => [shard.name, 0]));
  for (const owner of owners) counts.set(owner, counts.get(owner) + 1);
  const values = [...counts.values()];
  const mean = owners.length / count;
  const stddev = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / count);
  return { max: Math.max(...values) / mean, min: Math.min(...values) / mean, cv: stddev / mean, values };
}

const moved = (before, after) => before.filter((owner, i) => owner !== after[i]).length / before.length;
const pct = (share) => `${(share * 100).toFixed(1)}%`;
const ratio = (x) => x.toFixed(3);

// (a) and (b)
progress(`routing with every strategy on ${N} shards`);
const map = ShardMap.initial(shards(N), LOGICAL);
const directory = fillDirectory(ids, N);
const strategies = [
  ['range (one quarter of the year per shard)', (keys) => syncAssign(rangeRouter(N), keys)],
  ['modulo, hash(id) mod N', (keys) => syncAssign(new ModuloShardRouter(shards(N)), keys)],
  ['modulo, hash(email) mod N', (keys, mails) => syncAssign(new ModuloShardRouter(shards(N)), mails)],
  ['directory (least-filled shard at signup)', (keys) => directoryAssign(directory, keys)],
  [
    `logical shards (${LOGICAL}, shard read from the id)`,
    (keys) => syncAssign(new LogicalShardRouter(map), keys),
  ],
  ['consistent hashing (160 points per shard)', (keys) => ringAssign(N, keys)],
];
const half = Math.floor(KEYS / 2);
const rows = [];
for (const [name, assign] of strategies) {
  progress(`  ${name}`);
  const owners = await assign(ids, emails);
  rows.push({ name, all: skew(owners, N), newest: skew(owners.slice(half), N) });
}

const logicalOfEmail = new LogicalShardRouter(map);
const sameShard = ids.filter(
  (id, i) => logicalOfEmail.shardFor(id) === logicalOfEmail.shardFor(emails[i]),
).length;

// (c)
const changes = [];
progress(`moving from ${N} to ${N + 1} and to ${2 * N} shards`);
{
  const before = syncAssign(new ModuloShardRouter(shards(N)), ids);
  const plus = syncAssign(new ModuloShardRouter(shards(N + 1)), ids);
  const twice = syncAssign(new ModuloShardRouter(shards(2 * N)), ids);
  changes.push({
    name: 'modulo',
    plus,
    twice,
    plusMoved: moved(before, plus),
    twiceMoved: moved(before, twice),
  });
}
{
  const before = ringAssign(N, ids);
  const plus = ringAssign(N + 1, ids);
  const twice = ringAssign(2 * N, ids);
  changes.push({
    name: 'consistent hashing',
    plus,
    twice,
    plusMoved: moved(before, plus),
    twiceMoved: moved(before, twice),
  });
}
{
  const before = await directoryAssign(directory, ids);
  const plus = await directoryAssign(rebalanceDirectory(fillDirectory(ids, N), ids, before, N + 1), ids);
  const twice = await directoryAssign(rebalanceDirectory(fillDirectory(ids, N), ids, before, 2 * N), ids);
  changes.push({
    name: 'directory (surplus keys reassigned)',
    plus,
    twice,
    plusMoved: moved(before, plus),
    twiceMoved: moved(before, twice),
  });
}
{
  const before = syncAssign(new LogicalShardRouter(map), ids);
  const plus = syncAssign(new LogicalShardRouter(doubled(map, N + 1)), ids);
  const twice = syncAssign(new LogicalShardRouter(doubled(map, 2 * N)), ids);
  changes.push({
    name: 'logical shards (doubling)',
    plus,
    twice,
    plusMoved: moved(before, plus),
    twiceMoved: moved(before, twice),
  });
}

// --- report -----------------------------------------------------------------------------------------

console.log('');
console.log(
  `node ${process.version}, ${KEYS.toLocaleString('en')} Instagram-style ids issued over 2025 (signups 1×→2× a day), ` +
    `${N} physical shards, ${LOGICAL} logical shards; ${ids.length - sameShard} ids on another shard than their email`,
);
console.log('');
console.log(`(a) distribution of all keys over ${N} shards`);
console.log('');
console.log('| strategy | max/mean | min/mean | stddev/mean | keys per shard |');
console.log('| --- | ---: | ---: | ---: | --- |');
for (const r of rows)
  console.log(
    `| ${r.name} | ${ratio(r.all.max)} | ${ratio(r.all.min)} | ${ratio(r.all.cv)} | ${r.all.values.join(' / ')} |`,
  );
console.log('');
console.log(`(b) after deleting the oldest 50% of keys (${half.toLocaleString('en')} left)`);
console.log('');
console.log('| strategy | max/mean | min/mean | stddev/mean | keys per shard |');
console.log('| --- | ---: | ---: | ---: | --- |');
for (const r of rows)
  console.log(
    `| ${r.name} | ${ratio(r.newest.max)} | ${ratio(r.newest.min)} | ${ratio(r.newest.cv)} | ${r.newest.values.join(' / ')} |`,
  );
console.log('');
console.log(`(c) share of keys that move when shards are added`);
console.log('');
console.log(`| strategy | moved ${N}→${N + 1} | max/mean after | moved ${N}→${2 * N} | max/mean after |`);
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const c of changes)
  console.log(
    `| ${c.name} | ${pct(c.plusMoved)} | ${ratio(skew(c.plus, N + 1).max)} | ${pct(c.twiceMoved)} | ${ratio(skew(c.twice, 2 * N).max)} |`,
  );
console.log(
  `| least any scheme must move (to even shares) | ${pct(1 / (N + 1))} | 1.000 | ${pct(0.5)} | 1.000 |`,
);
console.log('');
progress('done');

/** An environment variable that must be a whole number above 0, or its default when unset. */
function positiveInteger(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name} must be a whole number above 0 (got ${JSON.stringify(raw)})`);
    process.exit(2);
  }
  return value;
}
