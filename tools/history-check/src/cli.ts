#!/usr/bin/env node
/**
 * npm run check:history [-- --seed N] [--seeds K] [--short]
 *
 * For each seed, on a platform of its own (started the way `npm start` does, stopped after):
 * concurrent writers, a reshard, its owner SIGKILLed mid-copy or mid-fence, Kafka restarted; then
 * the databases compared with every acknowledged write (docs/data-safety.md). Exits 1 on any anomaly.
 */
import { PlatformTarget } from '@platform/chaos';

import { HISTORY_USAGE, parseHistoryArgs, type HistoryArgs } from './history-args.js';
import { runHistory, type HistoryRunResult } from './history-run.js';

const say = (message: string) => process.stdout.write(`[history] ${message}\n`);

let args: HistoryArgs;
try {
  args = parseHistoryArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
if (process.argv.includes('--help')) {
  process.stdout.write(HISTORY_USAGE);
  process.exit(0);
}

const results: HistoryRunResult[] = [];
let failed = false;
for (let seed = args.seed; seed < args.seed + args.seeds; seed++) {
  say(`seed ${seed}`);
  const target = await PlatformTarget.attachOrStart('/nonexistent/history-check-starts-its-own', say);
  try {
    const result = await runHistory({
      target,
      seed,
      writers: 12,
      durationMs: args.short ? 15_000 : 40_000,
      kafkaRestart: !args.short,
      say,
    });
    results.push(result);
    const { ok, failed: refused, unknown } = result.operations;
    say(
      `seed ${seed}: ${ok + refused + unknown} writes (${ok} acknowledged, ${refused} refused, ${unknown} unknown), ` +
        `reshard ${result.job.state}; ${result.anomalies.length} anomalies in ${result.seconds.toFixed(0)} s`,
    );
    for (const fault of result.faults) say(`  ${fault}`);
    for (const anomaly of result.anomalies) say(`  ${anomaly.kind}: ${anomaly.detail}`);
    if (result.anomalies.length > 0 || result.job.state !== 'done') failed = true;
  } catch (error) {
    failed = true;
    say(`seed ${seed} could not finish: ${(error as Error).stack ?? String(error)}`);
    process.stdout.write(`${target.output().slice(-3000)}\n`);
  } finally {
    await target.stop();
  }
  if (failed) break;
}
say(
  `${results.filter((r) => r.anomalies.length === 0 && r.job.state === 'done').length} of ${args.seeds} seeds passed ` +
    `(first seed ${args.seed})`,
);
process.exitCode = failed ? 1 : 0;
