// What a circuit breaker costs per call, in one process:
//   (a) a closed breaker around an async no-op, against the bare no-op;
//   (b) refusing a call while open (goal: < 50 µs);
//   (c) the same with a bare opossum breaker, as the reference;
//   (d) the closed paths with the settings opossum lacks: the slow-call rule (which watches every call
//       in flight), a count window, both; against the same breaker with them off (its defaults).
// A row for a bare AbortSignal shows how much of (a) is the per-call signal the breaker creates.
// `closedPermit` rows are the path of a caller that makes its own promise (user-service's shard
// queries), against the bare no-op with the same `.then`.
// Each case: a warm-up, then ROUNDS rounds of sequential awaited calls; the median round is reported,
// in wall time and in the process's CPU time; the ratios compare CPU time.
//
// Run after building the package:
//   npx turbo run build --filter=@platform/breakers && node --expose-gc bench/breakers/breaker-cost.mjs
// ROUNDS, CALLS and WARMUP in the environment change the defaults (7, 200,000, 50,000).

import { CircuitBreaker } from '@platform/breakers';
import Opossum from 'opossum';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const CALLS = Number(process.env.CALLS ?? 200_000);
const WARMUP = Number(process.env.WARMUP ?? 50_000);
const HOUR_MS = 3_600_000;

const noop = async () => undefined;
const swallow = () => undefined;

/** ns per call of `once`, median over rounds (see measureTogether). */
async function measure(once) {
  const [stats] = await measureTogether([once]);
  return stats;
}

/**
 * ns per call of each of `onces` over ROUNDS rounds, each round running every case in rotated order:
 * the median, fastest and slowest round of wall time, and the median round of the process's CPU time
 * (what the ratios use: on a shared machine, time spent waiting for a core is not the breaker's).
 */
async function measureTogether(onces) {
  globalThis.gc?.(); // with --expose-gc, each case starts from a collected heap
  for (const once of onces) for (let i = 0; i < WARMUP; i++) await once();
  const rounds = onces.map(() => ({ wall: [], cpu: [] }));
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < onces.length; k++) {
      const c = (r + k) % onces.length;
      const once = onces[c];
      const cpuStart = process.cpuUsage();
      const start = process.hrtime.bigint();
      for (let i = 0; i < CALLS; i++) await once();
      rounds[c].wall.push(Number(process.hrtime.bigint() - start) / CALLS);
      const cpu = process.cpuUsage(cpuStart);
      rounds[c].cpu.push(((cpu.user + cpu.system) * 1000) / CALLS);
    }
  }
  const middle = (values) => values[Math.floor(values.length / 2)];
  return rounds.map(({ wall, cpu }) => {
    wall.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    return { median: middle(wall), min: wall[0], max: wall[wall.length - 1], cpu: middle(cpu) };
  });
}

// The same settings for ours and opossum's: 10 s window in 10 buckets, no percentiles, no snapshots.
function ours(callTimeoutMs, extra = {}) {
  return new CircuitBreaker({
    name: 'bench',
    settings: {
      callTimeoutMs,
      volumeThreshold: 1,
      errorThresholdPercentage: 50,
      resetTimeoutMs: HOUR_MS,
      ...extra,
    },
  });
}

// The settings opossum lacks, as user-service would set them on a shard breaker.
const SLOW_CALLS = { slowCallDurationMs: 1_000, slowCallRateThreshold: 50 };
const COUNT_WINDOW = { slidingWindowCalls: 100 };

/** One call through closedPermit, reported from the caller's own `.then`. */
const viaPermit = (breaker) => () => {
  const permit = breaker.closedPermit();
  return noop().then(() => permit.succeeded());
};

function opossum(timeout) {
  return new Opossum(noop, {
    timeout,
    volumeThreshold: 1,
    errorThresholdPercentage: 50,
    resetTimeout: HOUR_MS,
    rollingCountTimeout: 10_000,
    rollingCountBuckets: 10,
    rollingPercentilesEnabled: false,
    enableSnapshots: false,
  });
}

const results = [];
const row = (name, stats, base) => results.push({ name, ...stats, base });
/** What each row's ratio is against, by the row's `base`. */
const baseline = {};

const bare = await measure(noop);
row('bare async no-op', bare, 'bare');
// What the breaker spends on each call's own AbortSignal (it creates one per call for the timeout).
row(
  'bare no-op + new AbortController().signal',
  await measure(() => noop(new AbortController().signal)),
  'bare',
);

{
  const breaker = ours(10_000);
  row('breaker closed, callTimeoutMs 10 s', await measure(() => breaker.execute(noop)), 'bare');
  breaker.shutdown();
}
{
  const breaker = ours(0);
  row('breaker closed, no call timeout', await measure(() => breaker.execute(noop)), 'bare');
  breaker.shutdown();
}
row('bare no-op + .then', await measure(() => noop().then(swallow)), 'bare');
{
  const breaker = ours(0);
  row('breaker closed, no call timeout, closedPermit', await measure(viaPermit(breaker)), 'then');
  breaker.shutdown();
}
{
  const circuit = opossum(10_000);
  row('opossum closed, timeout 10 s', await measure(() => circuit.fire()), 'bare');
  circuit.shutdown();
}
{
  const circuit = opossum(false);
  row('opossum closed, no timeout', await measure(() => circuit.fire()), 'bare');
  circuit.shutdown();
}

let oursReject;
{
  const breaker = ours(10_000);
  await breaker.execute(() => Promise.reject(new Error('down'))).catch(swallow);
  if (breaker.state !== 'open') throw new Error(`expected the breaker to be open, it is ${breaker.state}`);
  oursReject = await measure(() => breaker.execute(noop).catch(swallow));
  row('breaker open: reject', oursReject, 'opossum-reject');
  breaker.shutdown();
}
{
  const circuit = opossum(10_000);
  circuit.open();
  const reference = await measure(() => circuit.fire().catch(swallow));
  row('opossum open: reject', reference, 'opossum-reject');
  circuit.shutdown();
}

// (d): each setting against the same path with the defaults. These cases run together, round by
// round in rotated order, so a slow patch of a shared machine hits all of them alike.
const variants = [
  ['slow-call rule on', SLOW_CALLS],
  ['count window (100 calls)', COUNT_WINDOW],
  ['count window + slow-call rule', { ...COUNT_WINDOW, ...SLOW_CALLS }],
];
for (const [path, once, base] of [
  ['no call timeout', (breaker) => () => breaker.execute(noop), 'closed'],
  ['closedPermit', viaPermit, 'closed-permit'],
]) {
  const breakers = [ours(0), ...variants.map(([, extra]) => ours(0, extra))];
  const medians = await measureTogether(breakers.map((breaker) => once(breaker)));
  baseline[base] = medians[0].cpu;
  row(`breaker closed, ${path}, defaults (reference)`, medians[0], base);
  variants.forEach(([label], i) => row(`breaker closed, ${path}, ${label}`, medians[i + 1], base));
  for (const breaker of breakers) breaker.shutdown();
}
{
  const breaker = ours(10_000, SLOW_CALLS);
  await breaker.execute(() => Promise.reject(new Error('down'))).catch(swallow);
  if (breaker.state !== 'open') throw new Error(`expected the breaker to be open, it is ${breaker.state}`);
  row(
    'breaker open: reject, slow-call rule on',
    await measure(() => breaker.execute(noop).catch(swallow)),
    'opossum-reject',
  );
  breaker.shutdown();
}

const cpuOf = (name) => results.find((r) => r.name === name).cpu;
baseline.bare = bare.cpu;
baseline.then = cpuOf('bare no-op + .then');
baseline['opossum-reject'] = cpuOf('opossum open: reject');
const BASE_NAMES = {
  bare: 'bare',
  then: 'bare + .then',
  closed: 'reference',
  'closed-permit': 'reference',
  'opossum-reject': 'opossum reject',
};
const fmt = (ns) => (ns >= 10_000 ? `${(ns / 1000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);

console.log(
  `node ${process.version}, ${ROUNDS} rounds × ${CALLS.toLocaleString('en')} sequential awaited calls ` +
    `(after ${WARMUP.toLocaleString('en')} warm-up), median round; ratios of CPU time`,
);
console.log('');
console.log(`| case | per call (median) | min–max round | CPU per call (median) | ratio (CPU) |`);
console.log(`| --- | ---: | ---: | ---: | ---: |`);
for (const r of results) {
  const base = BASE_NAMES[r.base];
  console.log(
    `| ${r.name} | ${fmt(r.median)} | ${fmt(r.min)}–${fmt(r.max)} | ${fmt(r.cpu)} | ` +
      `${(r.cpu / baseline[r.base]).toFixed(2)}× ${base} |`,
  );
}
const closed = results.find((r) => r.name === 'breaker closed, callTimeoutMs 10 s').median;
console.log('');
console.log(`overhead of a closed breaker (10 s timeout): ${fmt(closed - bare.median)} per call`);
console.log(
  `rejection while open: ${(oursReject.median / 1000).toFixed(2)} µs ` +
    `(goal < 50 µs: ${oursReject.median < 50_000 ? 'met' : 'NOT met'})`,
);
