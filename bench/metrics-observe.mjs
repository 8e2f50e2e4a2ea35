// What one histogram observation costs on a hot path, in one process: prom-client's labelled child
// (`histogram.labels(a, b).observe(v)`, resolved once, as most code writes it), prom-client with a
// labels object per call, prom-client without labels, and @platform/observability's BoundHistogram,
// whose label sets are bound at start. The ratio is against the prom-client child. Same buckets
// (user-service's shard histogram) and the same values cycling through them for every case.
// Each case: a warm-up, then ROUNDS rounds of CALLS observations; the median round is reported.
//
//   npx turbo run build --output-logs=errors-only && node bench/metrics-observe.mjs
// ROUNDS, CALLS and WARMUP in the environment change the defaults (7, 2,000,000, 500,000).

import { Histogram, Registry } from 'prom-client';

import { BoundHistogram } from '@platform/observability';

import { machine } from './lib/harness.mjs';
import { median } from './lib/open-loop.mjs';
import { printTable } from './lib/table.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const CALLS = Number(process.env.CALLS ?? 2_000_000);
const WARMUP = Number(process.env.WARMUP ?? 500_000);
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Durations that land in different buckets, as real calls do. */
const VALUES = [0.0003, 0.0008, 0.0012, 0.004, 0.02, 0.3];

/** ns per observation of `observe`, median over rounds. */
function measure(observe) {
  for (let i = 0; i < WARMUP; i++) observe(VALUES[i % VALUES.length]);
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i++) observe(VALUES[i % VALUES.length]);
    rounds.push(Number(process.hrtime.bigint() - start) / CALLS);
  }
  return median(rounds);
}

const registry = new Registry();
const options = (name) => ({ name, help: name, buckets: BUCKETS, registers: [registry] });
const labelled = new Histogram({ ...options('labelled'), labelNames: ['shard', 'outcome'] });
const unlabelled = new Histogram(options('unlabelled'));
const bound = new BoundHistogram({ ...options('bound'), labelNames: ['shard', 'outcome'] });

const child = labelled.labels('users_0', 'ok');
const series = bound.bind({ shard: 'users_0', outcome: 'ok' });
const cases = [
  ['prom-client, labelled child: labels(shard, outcome) once, then observe(v)', (v) => child.observe(v)],
  [
    'prom-client, observe({ shard, outcome }, v)',
    (v) => labelled.observe({ shard: 'users_0', outcome: 'ok' }, v),
  ],
  ['prom-client, no labels: observe(v)', (v) => unlabelled.observe(v)],
  ['BoundHistogram: bind({ shard, outcome }) once, then observe(v)', (v) => series.observe(v)],
];
const results = cases.map(([label, observe]) => [label, measure(observe)]);
const reference = results[0][1];
printTable(
  `One histogram observation, ns (median of ${ROUNDS} rounds × ${CALLS.toLocaleString('en-US')}; ${machine()})`,
  ['histogram', 'ns per observation', 'vs prom-client child'],
  results.map(([label, ns]) => [label, ns.toFixed(1), `${(ns / reference).toFixed(3)}×`]),
);
// Both saw every observation: the counts are the evidence that neither case was optimised away.
const counts = await Promise.all(
  ['labelled', 'bound'].map(async (name) => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    return metric.values.filter((v) => v.metricName === `${name}_count`).reduce((sum, v) => sum + v.value, 0);
  }),
);
console.log(
  `observations counted: prom-client labelled (both of its cases) ${counts[0].toLocaleString('en-US')}, BoundHistogram ${counts[1].toLocaleString('en-US')}`,
);
