// The highest rate one loadgen worker thread sustains and still calls VALID on this machine, and
// what its report says past that rate. Target: nginx answering a small static body (one worker
// process, started here), fast enough that the generator is the limit. The rate steps up until the
// first INVALID run (an INVALID run is repeated once, and counts only if the repeat is INVALID too:
// one 50 ms hiccup of a shared machine is enough to fail a 10 s run), one more run shows a rate well
// past it, then bisection narrows the limit.
// Each run is `npm run load`'s command line (tools/loadgen/dist/cli.js) in a child process.
//
//   npx turbo run build --output-logs=errors-only --filter=@platform/loadgen && node bench/loadgen/max-rate.mjs
//   node bench/loadgen/max-rate.mjs --quick                  # 4 s runs, no bisection
//   flags: --rates 1000,2000,4000 --seconds 10 --warmup 2 --bisect 2 --workers 1 --no-wait-quiet --keep

import { createHarness, loadavg, machine, parseArgs } from '../lib/harness.mjs';
import { describeDisturbance, waitQuiet, watchDisturbance } from '../lib/quiet.mjs';
import { printTable } from '../lib/table.mjs';
import { runLoadgen, worstCpu, worstLoopDelay } from './lib/loadgen-cli.mjs';
import { startStaticNginx } from './lib/nginx-static.mjs';

const args = parseArgs();
const QUICK = args.quick === true;
const RATES = String(args.rates ?? '1000,2000,4000,6000,8000,10000,12000,15000,20000,25000,30000,40000')
  .split(',')
  .map(Number);
const SECONDS = Number(args.seconds ?? (QUICK ? 4 : 10));
const WARMUP = Number(args.warmup ?? 2);
const BISECT = Number(args.bisect ?? (QUICK ? 0 : 2));
const WORKERS = Number(args.workers ?? 1);

const harness = createHarness('loadgen-max-rate', { keep: args.keep === true });
const { log } = harness;

async function main() {
  log(`loadgen max-rate: ${machine()}; load average ${loadavg()}`);
  const nginx = await startStaticNginx(harness);
  log(`nginx (1 worker process, static body) at ${nginx.url}, pid ${nginx.process.pid}`);
  await waitQuiet(log);
  const watch = watchDisturbance();

  const runs = [];
  const run = async (rate) => {
    const { report, text } = await runLoadgen(harness, [
      '--url',
      `${nginx.url}/`,
      '--rate',
      String(rate),
      '--workers',
      String(WORKERS),
      '--duration',
      `${SECONDS}s`,
      '--warmup',
      `${WARMUP}s`,
    ]);
    const entry = { rate, report, text };
    runs.push(entry);
    log(
      `  ${rate} req/s → ${report.valid ? 'VALID' : 'INVALID'}: sent ${report.totals.achievedRate.toFixed(0)} req/s, ` +
        `worker CPU ${pctOf(worstCpu(report))}, lateness p99 ${report.latencyMs.lateness.p99.toFixed(2)} ms` +
        (report.valid ? '' : `; ${report.verdict.reasons[0]}`),
    );
    return entry;
  };

  // VALID, or INVALID twice in a row.
  const judge = async (rate) => {
    const entry = await run(rate);
    if (entry.report.valid) return entry;
    log(`  ${rate} req/s: INVALID; once more to tell a limit from a hiccup`);
    const again = await run(rate);
    return again.report.valid ? again : entry;
  };
  let lastValid;
  let firstInvalid;
  for (const rate of RATES) {
    if (harness.interrupted) return;
    const entry = await judge(rate);
    if (entry.report.valid) lastValid = entry;
    else {
      firstInvalid = entry;
      break;
    }
  }
  if (firstInvalid) {
    // Well past the limit: what the report says when the generator is far too weak.
    await run(Math.round(firstInvalid.rate * 2));
    let low = lastValid?.rate ?? 0;
    let high = firstInvalid.rate;
    for (let i = 0; i < BISECT && high - low > 250; i++) {
      const mid = Math.round((low + high) / 2 / 100) * 100;
      const entry = await judge(mid);
      if (entry.report.valid) {
        low = mid;
        lastValid = entry;
      } else high = mid;
    }
  }
  const disturbance = watch.stop();

  printTable(
    `One loadgen worker thread (--workers ${WORKERS}) against nginx (static body, 1 worker process) on ` +
      `${machine()}; ${SECONDS} s per rate after ${WARMUP} s warm-up; latency from the scheduled send time.`,
    [
      'rate asked',
      'sent req/s',
      'of asked',
      'p50 ms',
      'p99 ms',
      'service p99 ms',
      'lateness p99 ms',
      'worker CPU',
      'loop delay p99 ms',
      'not sent',
      'verdict',
    ],
    runs
      .sort((a, b) => a.rate - b.rate)
      .map(({ rate, report }) => [
        rate,
        report.totals.achievedRate.toFixed(0),
        pctOf(report.totals.achievedRate / rate),
        report.latencyMs.corrected.p50.toFixed(2),
        fixed(report.latencyMs.corrected.p99),
        fixed(report.latencyMs.service.p99),
        fixed(report.latencyMs.lateness.p99),
        pctOf(worstCpu(report)),
        fixed(worstLoopDelay(report)),
        report.totals.unsent,
        report.valid ? 'VALID' : 'INVALID',
      ]),
  );
  if (lastValid)
    console.log(
      `Highest VALID rate measured: ${lastValid.rate} req/s with ${WORKERS} worker(s) ` +
        `(${runs.length} runs; an INVALID run was repeated once before it counted).`,
    );
  else console.log('No rate was VALID.');
  const past = runs.filter((r) => !r.report.valid).sort((a, b) => a.rate - b.rate);
  if (past.length > 0) {
    console.log(`\nThe report of the first INVALID run (${past[0].rate} req/s):\n\n${past[0].text}`);
    const far = past.at(-1);
    if (far !== past[0]) console.log(`\n…and far past it (${far.rate} req/s):\n\n${far.text}`);
  }
  console.log(`\nWhile measuring, ${describeDisturbance(disturbance)}; load average ${loadavg()}.`);
}

function pctOf(share) {
  return `${(share * 100).toFixed(1)}%`;
}

function fixed(value) {
  return value >= 100 ? value.toFixed(0) : value.toFixed(2);
}

await harness.run(main);
