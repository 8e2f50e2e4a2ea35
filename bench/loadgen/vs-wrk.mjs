// loadgen against wrk on the same target: nginx answering a small static body (1 worker process,
// started here on a free port with a temp config). Debian's wrk is closed-loop and has no rate
// option, so:
//
// (a) closed model side by side: wrk -t1 -cN, then loadgen --model closed with the same N
//     connections and duration (1 worker thread): requests/s and latency percentiles;
// (b) open model at wrk's rate: loadgen sends at the rate wrk achieved, with 1 worker thread and
//     with 2, and says whether it could (its verdict), with corrected and service-time percentiles;
// (c) coordinated omission: the nginx worker is frozen for 1 s (SIGSTOP, then SIGCONT) in the middle
//     of a run, once under wrk, once under loadgen's closed model, once under its open model at a
//     rate it holds (default 1000 req/s): what each one's percentiles make of the same freeze;
// (d) the same rate: wrk paced by a Lua delay() (each connection waits --paced-delay-ms before its
//     next request; 16 connections × 4 ms ≈ 3,900 req/s), then loadgen's open model at exactly the
//     rate wrk reached, 1 worker thread: percentiles side by side at equal load.
//
// Every loadgen run is `npm run load`'s command line (tools/loadgen/dist/cli.js) in a child process.
//
//   npx turbo run build --output-logs=errors-only --filter=@platform/loadgen && node bench/loadgen/vs-wrk.mjs
//   node bench/loadgen/vs-wrk.mjs --quick                    # 4 s runs
//   flags: --connections 16 --seconds 10 --workers 1,2 --freeze-rate 1000 --freeze-ms 1000
//          --paced-delay-ms 4
//          --no-wait-quiet --keep

import fs from 'node:fs';
import path from 'node:path';

import { createHarness, loadavg, machine, parseArgs, sleep } from '../lib/harness.mjs';
import { describeDisturbance, waitQuiet, watchDisturbance } from '../lib/quiet.mjs';
import { printTable, ratio } from '../lib/table.mjs';
import { runWrk } from '../lib/wrk.mjs';
import { runLoadgen, worstCpu } from './lib/loadgen-cli.mjs';
import { STATIC_BODY, startStaticNginx } from './lib/nginx-static.mjs';

const args = parseArgs();
const QUICK = args.quick === true;
const CONNECTIONS = Number(args.connections ?? 16);
const SECONDS = Number(args.seconds ?? (QUICK ? 4 : 10));
const WORKERS = String(args.workers ?? '1,2')
  .split(',')
  .map(Number);
const FREEZE_RATE = Number(args['freeze-rate'] ?? 1000);
const FREEZE_MS = Number(args['freeze-ms'] ?? 1000);
const PACED_DELAY_MS = Number(args['paced-delay-ms'] ?? 4);
const WARMUP_S = 2; // loadgen's default warm-up

const harness = createHarness('loadgen-vs-wrk', { keep: args.keep === true });
const { log } = harness;

async function main() {
  log(`loadgen vs wrk: ${machine()}; load average ${loadavg()}`);
  const nginx = await startStaticNginx(harness);
  const url = `${nginx.url}/`;
  log(`nginx (1 worker process, static body) at ${url}, pid ${nginx.process.pid}`);
  await waitQuiet(log);
  const watch = watchDisturbance();

  log(`wrk warm-up 2 s, then wrk -t1 -c${CONNECTIONS} -d${SECONDS}s`);
  await runWrk(url, { connections: CONNECTIONS, durationS: 2 });
  const wrk = await runWrk(url, { connections: CONNECTIONS, durationS: SECONDS });
  log(`  wrk: ${wrk.rps.toFixed(0)} req/s, p50 ${ms(wrk.p50)} ms, p99 ${ms(wrk.p99)} ms`);

  const closed = await runLoadgen(
    harness,
    ['--url', url, '--model', 'closed', '--connections', String(CONNECTIONS), '--duration', `${SECONDS}s`],
    { label: 'closed' },
  );
  const rate = Math.round(wrk.rps);
  const open = [];
  for (const workers of WORKERS) {
    const result = await runLoadgen(
      harness,
      ['--url', url, '--rate', String(rate), '--workers', String(workers), '--duration', `${SECONDS}s`],
      { label: `open ×${workers}` },
    );
    open.push({ workers, ...result });
  }

  // (c) The same freeze under each generator: 40% into the measured phase, for FREEZE_MS.
  const freezeAt = (startDelayS) => freezeNginx(nginx, (startDelayS + 0.4 * SECONDS) * 1000);
  log(`(c) wrk -t1 -c${CONNECTIONS} -d${SECONDS}s with a ${FREEZE_MS} ms freeze of nginx`);
  const wrkFreeze = freezeAt(0.1);
  const wrkFrozen = await runWrk(url, { connections: CONNECTIONS, durationS: SECONDS });
  await wrkFreeze;
  const closedFreeze = freezeAt(0.3 + WARMUP_S);
  const closedFrozen = await runLoadgen(
    harness,
    ['--url', url, '--model', 'closed', '--connections', String(CONNECTIONS), '--duration', `${SECONDS}s`],
    { label: 'closed, freeze' },
  );
  await closedFreeze;
  const openFreeze = freezeAt(0.3 + WARMUP_S);
  const openFrozen = await runLoadgen(
    harness,
    ['--url', url, '--rate', String(FREEZE_RATE), '--duration', `${SECONDS}s`],
    { label: 'open, freeze' },
  );
  await openFreeze;

  // (d) Equal load: wrk paced to a rate, then the open model at the rate wrk reached.
  const paced = path.join(harness.dir, 'paced.lua');
  fs.writeFileSync(
    paced,
    `-- written by bench/loadgen/vs-wrk.mjs\nfunction delay()\n  return ${PACED_DELAY_MS}\nend\n`,
  );
  log(
    `(d) wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, each connection pausing ${PACED_DELAY_MS} ms between requests`,
  );
  const wrkPaced = await runWrk(url, { connections: CONNECTIONS, durationS: SECONDS, script: paced });
  const pacedRate = Math.round(wrkPaced.rps);
  const openPaced = await runLoadgen(
    harness,
    ['--url', url, '--rate', String(pacedRate), '--workers', '1', '--duration', `${SECONDS}s`],
    { label: 'open, same rate' },
  );
  const disturbance = watch.stop();

  printTable(
    `(a) Closed loop, ${CONNECTIONS} connections, ${SECONDS} s, GET of a ${STATIC_BODY.length}-byte body from nginx; ` +
      `wrk -t1 (C, epoll) against loadgen --model closed --workers 1 (Node, undici). Reference: wrk.`,
    SIDE_BY_SIDE_HEADER,
    [
      sideBySide('wrk', wrk.rps, wrk, wrk),
      sideBySide(
        'loadgen closed',
        closed.report.totals.achievedRate,
        closed.report.latencyMs.corrected,
        wrk,
        closed.report,
      ),
    ],
  );
  printTable(
    `(b) Open model at wrk's rate (${rate} req/s), ${SECONDS} s: latency from the scheduled send time ` +
      '(corrected) and from the send (service time).',
    [
      'generator',
      'sent req/s',
      'of asked',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'service p50 ms',
      'service p99 ms',
      'lateness p99 ms',
      'worst worker CPU',
      'verdict',
    ],
    open.map(({ workers, report }) => [
      `loadgen open, ${workers} worker${workers === 1 ? '' : 's'}`,
      report.totals.achievedRate.toFixed(0),
      pct(report.totals.achievedRate / rate),
      ms(report.latencyMs.corrected.p50),
      ms(report.latencyMs.corrected.p90),
      ms(report.latencyMs.corrected.p99),
      ms(report.latencyMs.service.p50),
      ms(report.latencyMs.service.p99),
      ms(report.latencyMs.lateness.p99),
      pct(worstCpu(report)),
      report.valid ? 'VALID' : 'INVALID',
    ]),
  );
  for (const { workers, report, text } of open)
    if (!report.valid) console.log(`Open model, ${workers} worker(s), report:\n\n${text}\n`);

  const frozenRow = (name, rps, p, max, verdict) => [
    name,
    rps.toFixed(0),
    ms(p.p50),
    ms(p.p90),
    ms(p.p99),
    max === undefined ? 'n/a' : ms(max),
    verdict,
  ];
  const loadgenFrozenRow = (name, { report }) =>
    frozenRow(
      name,
      report.totals.achievedRate,
      report.latencyMs.corrected,
      report.latencyMs.corrected.max,
      report.valid ? 'VALID' : 'INVALID',
    );
  printTable(
    `(c) nginx frozen for ${FREEZE_MS} ms (SIGSTOP/SIGCONT of its worker) 40% into a ${SECONDS} s run. wrk and ` +
      `loadgen closed: ${CONNECTIONS} connections; loadgen open: ${FREEZE_RATE} req/s, latency from the schedule.`,
    ['generator', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'verdict'],
    [
      frozenRow('wrk (closed loop)', wrkFrozen.rps, wrkFrozen, undefined, 'n/a'),
      loadgenFrozenRow('loadgen closed', closedFrozen),
      loadgenFrozenRow('loadgen open', openFrozen),
    ],
  );
  const due = FREEZE_RATE * (FREEZE_MS / 1000);
  console.log(
    `During the freeze ${due.toFixed(0)} of the open run's ${(FREEZE_RATE * SECONDS).toFixed(0)} requests ` +
      `(${pct(due / (FREEZE_RATE * SECONDS))}) were due, so its p99 lands inside the freeze; the closed runs ` +
      `had ${CONNECTIONS} requests in flight when it began, out of ${wrkFrozen.requests} (wrk).`,
  );

  const pr = openPaced.report;
  printTable(
    `(d) The same rate, ${pacedRate} req/s, ${SECONDS} s: wrk -t1 -c${CONNECTIONS} paced by a Lua delay() of ` +
      `${PACED_DELAY_MS} ms (latency from each send), loadgen open model, 1 worker (latency from the schedule, ` +
      'and from the send). Reference: wrk.',
    SIDE_BY_SIDE_HEADER,
    [
      sideBySide('wrk, paced', wrkPaced.rps, wrkPaced, wrkPaced),
      sideBySide('loadgen open (corrected)', pr.totals.achievedRate, pr.latencyMs.corrected, wrkPaced, pr),
      sideBySide('loadgen open (service time)', pr.totals.achievedRate, pr.latencyMs.service, wrkPaced, pr),
    ],
  );
  console.log(`While measuring, ${describeDisturbance(disturbance)}; load average ${loadavg()}.`);
}

const SIDE_BY_SIDE_HEADER = [
  'generator',
  'req/s',
  'vs wrk',
  'p50 ms',
  'p75 ms',
  'p90 ms',
  'p99 ms',
  'p99 vs wrk',
  'generator CPU',
  'verdict',
];

/** A row of (a) or (d): `p` the percentiles of a run, against wrk's; `report` a loadgen run's, if it was one. */
function sideBySide(name, rps, p, wrk, report) {
  return [
    name,
    rps.toFixed(0),
    ratio(rps, wrk.rps),
    ms(p.p50),
    ms(p.p75),
    ms(p.p90),
    ms(p.p99),
    ratio(p.p99, wrk.p99),
    report ? pct(worstCpu(report)) : 'n/a',
    report ? (report.valid ? 'VALID' : 'INVALID') : 'n/a',
  ];
}

/** Freezes the nginx worker process for FREEZE_MS, `afterMs` from now (a stop-the-world pause). */
async function freezeNginx(nginx, afterMs) {
  const master = nginx.process.pid;
  const children = fs.readFileSync(`/proc/${master}/task/${master}/children`, 'utf8').trim().split(/\s+/);
  const thaw = () => children.forEach((pid) => process.kill(Number(pid), 'SIGCONT'));
  harness.onCleanup(thaw); // a Ctrl-C during the freeze must not leave nginx stopped
  await sleep(afterMs);
  log(`  freezing nginx worker ${children.join(',')} for ${FREEZE_MS} ms`);
  for (const pid of children) process.kill(Number(pid), 'SIGSTOP');
  await sleep(FREEZE_MS);
  thaw();
}

function ms(value) {
  if (!Number.isFinite(value)) return 'n/a';
  return value >= 100 ? value.toFixed(0) : value.toFixed(2);
}

function pct(share) {
  return `${(share * 100).toFixed(1)}%`;
}

await harness.run(main);
