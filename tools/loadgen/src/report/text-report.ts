import { type Histogram } from '../histogram/histogram.js';
import { type LoadResult, type Progress } from '../run/load-plan.js';
import {
  formatCount,
  formatDuration,
  formatMs,
  formatShare,
  PERCENTILES,
  percentileLabel,
} from './format.js';

/** The first lines of every report: what was run against what. */
export function describePlan(result: LoadResult): string {
  const { plan } = result;
  const load =
    plan.model === 'open'
      ? `open model: ${formatCount(plan.rate ?? 0)} req/s`
      : `closed model: ${formatCount(plan.connections)} connections, each sending when answered`;
  const warmup = plan.warmupMs > 0 ? ` (+${formatDuration(plan.warmupMs)} warm-up)` : '';
  const pool = plan.model === 'open' ? `, pool of ${formatCount(plan.connections)} connections` : '';
  return (
    `loadgen — ${load} for ${formatDuration(plan.durationMs)}${warmup} against ${plan.target}\n` +
    `  ${plan.workers} worker thread${plan.workers === 1 ? '' : 's'}${pool}, timeout ${formatDuration(plan.timeoutMs)}; ` +
    `started ${result.startedAt}; load average ${result.loadAverage[0].toFixed(2)} → ${result.loadAverage[1].toFixed(2)}`
  );
}

/** The whole report as text (what the CLI prints). */
export function renderTextReport(result: LoadResult): string {
  const { plan } = result;
  const open = plan.model === 'open';
  const lines = [describePlan(result), ''];

  const asked = open
    ? `, ${formatShare(result.achievedRate / (plan.rate ?? 1))} of ${formatCount(plan.rate ?? 0)} asked`
    : '';
  lines.push(
    `requests   sent ${formatCount(result.sent)} (${formatCount(result.achievedRate)} req/s${asked}), ` +
      `answered ${formatCount(result.ok)}, failed ${formatCount(result.failed)}` +
      (open
        ? `, not sent ${formatCount(result.unsent)}, waited for a free connection ${formatCount(result.poolWaits)}`
        : ''),
  );
  const errors = Object.entries(result.errors);
  if (errors.length > 0)
    lines.push(`errors     ${errors.map(([name, count]) => `${name} ${formatCount(count)}`).join(', ')}`);
  lines.push('');

  const header = ['latency (ms)', ...PERCENTILES.map(percentileLabel), 'max', 'mean'];
  const rows: string[][] = open
    ? [
        row('from schedule (corrected)', result.corrected),
        row('service time (from send)', result.service),
        row('send lateness', result.lateness),
      ]
    : [row('from send (closed model)', result.corrected)];
  lines.push(...table(header, rows), '');

  if (result.kinds.length > 1) {
    const totalWeight = result.kinds.reduce((sum, kind) => sum + kind.weight, 0);
    lines.push(
      ...table(
        ['by request', 'weight', 'sent', 'failed', 'p50 ms', 'p99 ms', 'max ms'],
        result.kinds.map((kind) => [
          kind.name,
          formatShare(kind.weight / totalWeight, 0),
          formatCount(kind.sent),
          formatCount(kind.failed),
          formatMs(kind.corrected.valueAtPercentile(50) / 1000),
          formatMs(kind.corrected.valueAtPercentile(99) / 1000),
          formatMs(kind.corrected.max / 1000),
        ]),
      ),
      '',
    );
  }

  lines.push(
    ...table(
      ['generator self-watch', 'CPU', 'event loop busy', 'loop delay p99', 'loop delay max', 'sent in phase'],
      result.workers.map((worker) => [
        `worker ${worker.worker}`,
        formatShare(worker.cpu, 0),
        formatShare(worker.elu, 0),
        `${formatMs(worker.loopDelayP99Ms)} ms`,
        `${formatMs(worker.loopDelayMaxMs)} ms`,
        formatCount(worker.sentInWindow),
      ]),
    ),
    '',
  );

  const { verdict } = result;
  if (verdict.valid) {
    lines.push(
      `VALID: the generator kept up with the load it was asked for (limits: ${describeLimits(result)})`,
    );
  } else {
    lines.push('INVALID: the generator, not the target, was the limit; do not trust these latencies:');
    for (const reason of verdict.reasons) lines.push(`  - ${reason}`);
  }
  for (const note of verdict.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}

/** The live line printed once a second while the load runs. */
export function formatProgress(progress: Progress): string {
  const { point } = progress;
  const total = progress.durationSeconds;
  const finishing = point.second > total;
  // Past the measured phase nothing is due any more: only the answers still in flight count.
  const rate = finishing
    ? 'waiting for answers'
    : progress.targetRate !== undefined
      ? `rate ${formatCount(point.sent)}/${formatCount(progress.targetRate)} req/s (${formatShare(point.sent / progress.targetRate, 0)})`
      : `rate ${formatCount(point.sent)} req/s`;
  const late =
    progress.targetRate !== undefined && !finishing ? `  late p99 ${formatMs(point.latenessP99Ms)} ms` : '';
  const when = finishing
    ? `${total} s + ${point.second - total} s finishing`
    : `${`${point.second}`.padStart(`${total}`.length)}/${total} s`;
  return (
    `[${when}] sent ${formatCount(progress.totalSent)}  ${rate}  ` +
    `p50 ${formatMs(progress.p50Ms)} ms  p99 ${formatMs(progress.p99Ms)} ms  errors ${formatCount(progress.totalFailed)}  ` +
    `worst CPU ${formatShare(point.worstCpu, 0)} (w${point.worstWorker})${late}  in flight ${formatCount(point.inflight)}`
  );
}

function describeLimits(result: LoadResult): string {
  const { limits, model } = result.plan;
  const parts = [
    `worker CPU ≤ ${formatShare(limits.maxWorkerCpu, 0)}`,
    `loop delay p99 ≤ ${limits.maxLoopDelayP99Ms} ms`,
  ];
  if (model === 'open') {
    parts.push(
      `send lateness p99 ≤ ${limits.maxLatenessP99Ms} ms or ${formatShare(limits.maxLatenessShareOfP99, 0)} of p99`,
      `rate ≥ ${formatShare(limits.minRateShare, 0)} of asked`,
      `not sent ≤ ${formatShare(limits.maxUnsentShare)}`,
    );
  }
  return parts.join(', ');
}

function row(name: string, histogram: Histogram): string[] {
  return [
    name,
    ...PERCENTILES.map((p) => formatMs(histogram.valueAtPercentile(p) / 1000)),
    formatMs(histogram.max / 1000),
    formatMs(histogram.mean / 1000),
  ];
}

/** A header, then rows indented by two: left-aligned first column, right-aligned numbers. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((cell, c) =>
    Math.max(cell.length, ...rows.map((r) => (r[c] ?? '').length + (c === 0 ? 2 : 0))),
  );
  const line = (cells: readonly string[], indent: string) =>
    cells
      .map((cell, c) => (c === 0 ? (indent + cell).padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header, ''), ...rows.map((r) => line(r, '  '))];
}
