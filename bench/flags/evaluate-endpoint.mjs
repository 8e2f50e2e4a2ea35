// What `POST /flags/{key}/evaluate` costs flags-service behind its HTTP layer, before and after it
// kept flags compiled, measured in one run against one PostgreSQL:
//   (old) the handler as it was: read the flag and every segment, `compileFlag`, evaluate — per request;
//   (new) `CompiledFlags.evaluate`: the flag compiled once per version, evaluated from memory.
// The flag is the in-process benchmark's (b): 2 rules (an attribute condition, then a segment with 50
// included users and two conditions) and a 30% rollout; the database holds 20 segments and 50 flags
// (the old path read every segment). Closed loop: `concurrency` callers each start the next evaluation
// when theirs returns, cycling through 1,000 contexts; ROUNDS rounds of SECONDS per case after a
// warm-up, cases in rotated order each round; median round reported, latency over every call.
//
//   npx turbo run build --filter=@platform/flags-service... --output-logs=errors-only
//   node bench/flags/evaluate-endpoint.mjs      # --quick: 2 rounds of 1 s; --keep keeps PostgreSQL's log
//   flags: --rounds 5 --seconds 2

import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { compileFlag } from '@platform/flags';
import { freePort, startPostgres } from '@platform/local-infra';
import { createLogger } from '@platform/observability';
import { createPool, migrate } from '@platform/postgres';

import { CompiledFlags } from '../../apps/flags-service/dist/flags/compiled-flags.js';
import { FlagsRepository } from '../../apps/flags-service/dist/flags/flags.repository.js';
import { migrations } from '../../apps/flags-service/dist/flags/migrations.js';
import { createHarness, loadavg, machine, parseArgs } from '../lib/harness.mjs';
import { describeDisturbance, watchDisturbance } from '../lib/quiet.mjs';
import { printTable, ratio } from '../lib/table.mjs';

const args = parseArgs();
const QUICK = args.quick === true;
const ROUNDS = Number(args.rounds ?? (QUICK ? 2 : 5));
const SECONDS = Number(args.seconds ?? (QUICK ? 1 : 2));
const CONCURRENCY = [1, 16];
const CONTEXTS = 1_000;
const KEY = 'new-checkout';

const harness = createHarness('flags-evaluate-endpoint', { keep: args.keep === true });
const { log } = harness;

const COUNTRIES = ['DE', 'AT', 'FR', 'US', 'GB', 'JP', 'BR'];
const contexts = Array.from({ length: CONTEXTS }, (_, i) => ({
  userId: `user-${i}`,
  email: i % 20 === 0 ? `user-${i}@example.com` : `user-${i}@customer-${i % 13}.org`,
  country: COUNTRIES[i % COUNTRIES.length],
  plan: i % 3 === 0 ? 'pro' : 'free',
}));

const beta = {
  key: 'beta-testers',
  includedUserIds: Array.from({ length: 50 }, (_, i) => `user-${i * 17}`),
  conditions: [
    { attribute: 'plan', operator: 'equals', values: ['pro'] },
    { attribute: 'country', operator: 'in', values: ['DE', 'AT'] },
  ],
};
const flag = {
  key: KEY,
  enabled: true,
  variants: { on: true, off: false },
  offVariant: 'off',
  rules: [
    {
      id: 'staff',
      conditions: [{ attribute: 'email', operator: 'endsWith', values: ['@example.com'] }],
      serve: { variant: 'on' },
    },
    { id: 'beta', conditions: [{ segment: 'beta-testers' }], serve: { variant: 'on' } },
  ],
  defaultRule: {
    rollout: [
      { variant: 'on', weight: 30 },
      { variant: 'off', weight: 70 },
    ],
  },
};

/** The handler before: everything read and compiled for every request. */
function oldPath(repository) {
  return async (context) => {
    const [stored, segments] = await Promise.all([repository.findFlag(KEY), repository.listSegments()]);
    const bySegmentKey = new Map(segments.map((segment) => [segment.definition.key, segment.definition]));
    return compileFlag(stored.definition, bySegmentKey).evaluate(context);
  };
}

/** The handler now. */
function newPath(compiled) {
  return async (context) => (await compiled.evaluate(KEY, context)).evaluation;
}

/** `concurrency` callers in a closed loop for `seconds`: calls per second and every call's latency. */
async function closedLoop(evaluate, concurrency, seconds) {
  const latencies = [];
  let next = 0;
  const end = performance.now() + seconds * 1_000;
  const caller = async () => {
    while (performance.now() < end) {
      const context = contexts[next++ % CONTEXTS];
      const start = performance.now();
      await evaluate(context);
      latencies.push(performance.now() - start);
    }
  };
  const begin = performance.now();
  await Promise.all(Array.from({ length: concurrency }, caller));
  return { rate: latencies.length / ((performance.now() - begin) / 1_000), latencies };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const ms = (value) =>
  value < 0.01
    ? `${(value * 1_000).toFixed(1)} µs`
    : value < 1
      ? `${(value * 1_000).toFixed(0)} µs`
      : `${value.toFixed(2)} ms`;
const perSecond = (value) => (value >= 1e3 ? `${(value / 1e3).toFixed(1)} k/s` : `${value.toFixed(0)} /s`);

async function main() {
  log(`evaluate-endpoint: ${machine()}; load average ${loadavg()}`);
  const postgres = await startPostgres({
    dataDir: path.join(harness.dir, 'postgres'),
    port: await freePort(),
    logFile: path.join(harness.dir, 'postgres.log'),
    persistent: false,
  });
  harness.onCleanup(() => postgres.stop());
  await postgres.ensureDatabase('flags');
  const pool = createPool({ connectionString: postgres.url('flags'), applicationName: 'bench', max: 10 });
  harness.onCleanup(() => pool.end());
  await migrate(pool, migrations);
  log(`PostgreSQL ${postgres.version} on port ${postgres.port}, migrated`);

  const repository = new FlagsRepository(pool);
  await repository.putSegment(beta.key, 'bench', () => beta);
  for (let i = 0; i < 19; i++) {
    const key = `segment-${i}`;
    await repository.putSegment(key, 'bench', () => ({ key, includedUserIds: [`user-${i}`] }));
  }
  await repository.putFlag(KEY, 'bench', () => flag);
  for (let i = 0; i < 49; i++) {
    const key = `flag-${i}`;
    await repository.putFlag(key, 'bench', () => ({ ...flag, key, rules: [] }));
  }
  const logger = createLogger({ service: 'bench', instance: 'bench', level: 'silent' });
  const compiled = new CompiledFlags({ source: repository, logger });
  const paths = { old: oldPath(repository), new: newPath(compiled) };
  for (const context of contexts.slice(0, 50)) {
    const [before, after] = [await paths.old(context), await paths.new(context)];
    if (JSON.stringify(before) !== JSON.stringify(after)) throw new Error('the two paths disagree');
  }
  log(`seeded 20 segments and 50 flags; both paths give the same answers`);
  log(`${ROUNDS} rounds × ${SECONDS} s per case after a warm-up, concurrency ${CONCURRENCY.join(' and ')}`);

  const cases = CONCURRENCY.flatMap((concurrency) =>
    ['old', 'new'].map((name) => ({ name, concurrency, rates: [], latencies: [] })),
  );
  for (const c of cases) await closedLoop(paths[c.name], c.concurrency, Math.min(1, SECONDS)); // warm-up
  const disturbance = watchDisturbance();
  for (let round = 0; round < ROUNDS; round++) {
    const order = cases.map((_, i) => cases[(i + round) % cases.length]);
    for (const c of order) {
      const { rate, latencies } = await closedLoop(paths[c.name], c.concurrency, SECONDS);
      c.rates.push(rate);
      for (const latency of latencies) c.latencies.push(latency);
      log(`round ${round + 1}, ${c.name} path, ${c.concurrency} caller(s): ${perSecond(rate)}`);
    }
  }
  const quiet = disturbance.stop();

  const rows = [];
  for (const concurrency of CONCURRENCY) {
    const [old, now] = ['old', 'new'].map((name) =>
      cases.find((c) => c.name === name && c.concurrency === concurrency),
    );
    const summary = (c) => {
      const rates = [...c.rates].sort((x, y) => x - y);
      const sorted = c.latencies.sort((x, y) => x - y);
      return {
        rate: rates[Math.floor(rates.length / 2)],
        p50: percentile(sorted, 0.5),
        p99: percentile(sorted, 0.99),
      };
    };
    const [o, n] = [summary(old), summary(now)];
    const line = (label, s) => [
      label,
      String(concurrency),
      perSecond(s.rate),
      ms(s.p50),
      ms(s.p99),
      ratio(s.rate, o.rate),
      ratio(o.p50, s.p50),
    ];
    rows.push(line('before: read flag + all segments, compile, per request', o));
    rows.push(line('after: `CompiledFlags`, compiled once per version', n));
  }
  printTable(
    `evaluate handler, in-process against PostgreSQL ${postgres.version} (node ${process.version})`,
    ['path', 'callers', 'evaluations/s (median round)', 'p50', 'p99', 'rate vs before', 'p50: before ÷ this'],
    rows,
  );
  log(describeDisturbance(quiet));
}

await harness.run(main);
