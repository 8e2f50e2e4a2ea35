// What a circuit breaker costs per call, in one process:
//   (a) a closed breaker around an async no-op, against the bare no-op;
//   (b) refusing a call while open (goal: < 50 µs);
//   (c) the same with a bare opossum breaker, as the reference.
// A row for a bare AbortSignal shows how much of (a) is the per-call signal the breaker creates.
// Each case: a warm-up, then ROUNDS rounds of sequential awaited calls; the median round is reported.
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

/** ns per call of `once`, median over rounds. */
async function measure(once) {
  globalThis.gc?.(); // with --expose-gc, each case starts from a collected heap
  for (let i = 0; i < WARMUP; i++) await once();
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i++) await once();
    rounds.push(Number(process.hrtime.bigint() - start) / CALLS);
  }
  rounds.sort((a, b) => a - b);
  return { median: rounds[Math.floor(rounds.length / 2)], min: rounds[0], max: rounds[rounds.length - 1] };
}

// The same settings for ours and opossum's: 10 s window in 10 buckets, no percentiles, no snapshots.
function ours(callTimeoutMs) {
  return new CircuitBreaker({
    name: 'bench',
    settings: { callTimeoutMs, volumeThreshold: 1, errorThresholdPercentage: 50, resetTimeoutMs: HOUR_MS },
  });
}

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

const baseline = {
  bare: bare.median,
  'opossum-reject': results.find((r) => r.name === 'opossum open: reject').median,
};
const fmt = (ns) => (ns >= 10_000 ? `${(ns / 1000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);

console.log(
  `node ${process.version}, ${ROUNDS} rounds × ${CALLS.toLocaleString('en')} sequential awaited calls ` +
    `(after ${WARMUP.toLocaleString('en')} warm-up), median round`,
);
console.log('');
console.log(`| case | per call (median) | min–max round | ratio |`);
console.log(`| --- | ---: | ---: | ---: |`);
for (const r of results) {
  const base = r.base === 'bare' ? 'bare' : 'opossum reject';
  console.log(
    `| ${r.name} | ${fmt(r.median)} | ${fmt(r.min)}–${fmt(r.max)} | ${(r.median / baseline[r.base]).toFixed(2)}× ${base} |`,
  );
}
const closed = results.find((r) => r.name === 'breaker closed, callTimeoutMs 10 s').median;
console.log('');
console.log(`overhead of a closed breaker (10 s timeout): ${fmt(closed - bare.median)} per call`);
console.log(
  `rejection while open: ${(oursReject.median / 1000).toFixed(2)} µs ` +
    `(goal < 50 µs: ${oursReject.median < 50_000 ? 'met' : 'NOT met'})`,
);
