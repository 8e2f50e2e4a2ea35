// How fast the open-loop generator (bench/lib/open-loop.mjs) can send on this machine and still call
// its runs VALID: it drives a trivial node:http upstream (bench/lib/trivial-upstream.mjs, another
// process) at increasing rates and prints its own checks for each. The generator and the upstream
// share the machine's cores, as in every benchmark here.
//
//   node bench/open-loop-capacity.mjs                      # 250 … 3000 req/s, 10 s each
//   node bench/open-loop-capacity.mjs --rates 500,1000 --seconds 5

import path from 'node:path';

import { freePort } from '@platform/local-infra';

import { createHarness, loadavg, machine, parseArgs } from './lib/harness.mjs';
import { ms, pct, runOpenLoopInChild, summarize, validityLine } from './lib/open-loop.mjs';
import { startProcess, waitForPort } from './lib/processes.mjs';
import { printTable } from './lib/table.mjs';

const args = parseArgs();
const RATES = String(args.rates ?? '250,500,1000,1500,2000,3000')
  .split(',')
  .map(Number);
const SECONDS = Number(args.seconds ?? 10);

const harness = createHarness('open-loop-capacity');
const { log } = harness;

async function main() {
  log(`open-loop-capacity: ${machine()}; load average ${loadavg()}`);
  const port = await freePort();
  startProcess(harness, {
    command: process.execPath,
    args: [new URL('./lib/trivial-upstream.mjs', import.meta.url).pathname],
    env: { PORT: String(port) },
    logFile: path.join(harness.dir, 'logs', 'upstream.log'),
  });
  await waitForPort(port);
  const rows = [];
  let highestValid;
  for (const rate of RATES) {
    if (harness.interrupted) return;
    log(`${rate} req/s for ${SECONDS} s (+3 s warm-up)`);
    const result = await runOpenLoopInChild({
      url: `http://127.0.0.1:${port}/echo`,
      rate,
      durationMs: SECONDS * 1000,
      warmupMs: 3000,
    });
    log(`  ${validityLine(result)}`);
    const s = summarize(result);
    if (result.valid) highestValid = rate;
    rows.push([
      rate,
      ms(s.p50, 2),
      ms(s.p99, 2),
      pct(result.lateShare, 2),
      ms(result.maxSendLagMs),
      ms(result.loopDelay.p99Ms),
      result.maxInflight,
      pct(result.cpuShare),
      pct(s.success, 2),
      result.valid ? 'VALID' : 'INVALID',
    ]);
  }
  printTable(
    `Open-loop generator against a trivial upstream, ${SECONDS} s per rate. VALID needs ≤ 1% of requests sent ` +
      '> 5 ms after their scheduled time, event-loop delay p99 ≤ 10 ms and no client-side queueing.',
    [
      'rate (req/s)',
      'p50 ms',
      'p99 ms',
      'sent > 5 ms late',
      'max lag ms',
      'loop delay p99 ms',
      'max in flight',
      'generator CPU',
      'success',
      'verdict',
    ],
    rows,
  );
  console.log(`Highest VALID rate in this run: ${highestValid ?? 'none'} req/s.`);
}

await harness.run(main);
