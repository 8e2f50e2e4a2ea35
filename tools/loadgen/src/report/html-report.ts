import { type LoadResult, type TimelinePoint } from '../run/load-plan.js';
import { formatCount, formatMs } from './format.js';
import { describePlan, renderTextReport } from './text-report.js';

const WIDTH = 960;
const HEIGHT = 320;
const MARGIN = { left: 64, right: 16, top: 16, bottom: 36 };

/**
 * A self-contained HTML page (`--html out.html`): the verdict, latency per second on a log scale
 * (corrected p50, p99 and max; service-time p99), the rate sent per second against the rate asked,
 * and the text report. Inline SVG and CSS only: no script, nothing fetched.
 */
export function renderHtmlReport(result: LoadResult): string {
  const { verdict } = result;
  const title = `loadgen: ${result.plan.target} (${verdict.valid ? 'VALID' : 'INVALID'})`;
  const reasons = verdict.valid
    ? '<p>The generator kept up with the load it was asked for.</p>'
    : `<ul>${verdict.reasons.map((reason) => `<li>${escape(reason)}</li>`).join('')}</ul>`;
  const corrected =
    result.plan.model === 'open' ? 'from the scheduled send time (corrected)' : 'from the send';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escape(title)}</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: ${WIDTH + 40}px; color: #1d1d1f; }
  h1 { font-size: 20px; }
  .verdict { padding: 8px 14px; border-radius: 6px; }
  .valid { background: #e6f4ea; border: 1px solid #34a853; }
  .invalid { background: #fce8e6; border: 1px solid #d93025; }
  pre { background: #f6f8fa; padding: 12px; overflow-x: auto; font-size: 12px; }
  svg text { font: 11px system-ui, sans-serif; fill: #444; }
</style>
</head>
<body>
<h1>${escape(describePlan(result).split('\n')[0] ?? '')}</h1>
<div class="verdict ${verdict.valid ? 'valid' : 'invalid'}"><strong>${verdict.valid ? 'VALID' : 'INVALID: the generator, not the target, was the limit'}</strong>${reasons}</div>
<h2>Latency per second, ${corrected}, ms (log scale)</h2>
${latencyChart(result.timeline)}
<h2>Requests sent per second</h2>
${rateChart(result.timeline, result.plan.rate)}
<h2>Report</h2>
<pre>${escape(renderTextReport(result))}</pre>
</body>
</html>
`;
}

interface Series {
  readonly name: string;
  readonly color: string;
  readonly dashed?: boolean;
  readonly value: (point: TimelinePoint) => number;
}

function latencyChart(timeline: readonly TimelinePoint[]): string {
  const series: Series[] = [
    { name: 'p50', color: '#1a73e8', value: (p) => p.p50Ms },
    { name: 'p99', color: '#e37400', value: (p) => p.p99Ms },
    { name: 'max', color: '#d93025', value: (p) => p.maxMs },
    { name: 'service p99', color: '#5f6368', dashed: true, value: (p) => p.serviceP99Ms },
  ];
  const values = timeline
    .flatMap((p) => series.map((s) => s.value(p)))
    .filter((v) => v > 0 && Number.isFinite(v));
  if (values.length === 0) return '<p>No request completed.</p>';
  const low = Math.floor(Math.log10(Math.max(0.01, Math.min(...values))));
  const high = Math.ceil(Math.log10(Math.max(...values)));
  const top = high === low ? high + 1 : high;
  const y = (v: number) => {
    const clamped = Math.min(top, Math.max(low, Math.log10(Math.max(v, 10 ** low))));
    return plotY((clamped - low) / (top - low));
  };
  const grid: string[] = [];
  for (let e = low; e <= top; e++) {
    const at = y(10 ** e);
    grid.push(gridLine(at, formatMs(10 ** e)));
  }
  return svg(timeline, grid, series, y);
}

function rateChart(timeline: readonly TimelinePoint[], targetRate: number | undefined): string {
  const peak = Math.max(1, targetRate ?? 0, ...timeline.map((p) => p.sent));
  const ceiling = niceCeiling(peak * 1.1);
  const y = (v: number) => plotY(Math.min(1, Math.max(0, v / ceiling)));
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => gridLine(y(f * ceiling), formatCount(f * ceiling)));
  if (targetRate !== undefined) {
    const at = y(targetRate).toFixed(1);
    grid.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${at}" y2="${at}" stroke="#34a853" stroke-dasharray="6 4"/>` +
        `<text x="${WIDTH - MARGIN.right - 4}" y="${Number(at) - 4}" text-anchor="end">asked ${formatCount(targetRate)} req/s</text>`,
    );
  }
  return svg(timeline, grid, [{ name: 'sent', color: '#1a73e8', value: (p) => p.sent }], y);
}

function svg(
  timeline: readonly TimelinePoint[],
  grid: readonly string[],
  series: readonly Series[],
  y: (value: number) => number,
): string {
  const last = Math.max(1, timeline.at(-1)?.second ?? 1);
  const x = (second: number) => MARGIN.left + (second / last) * (WIDTH - MARGIN.left - MARGIN.right);
  const lines = series.map((s) => {
    const points = timeline
      .filter((p) => Number.isFinite(s.value(p)))
      .map((p) => `${x(p.second).toFixed(1)},${y(s.value(p)).toFixed(1)}`)
      .join(' ');
    const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
    return `<polyline fill="none" stroke="${s.color}" stroke-width="1.8"${dash} points="${points}"><title>${escape(s.name)}</title></polyline>`;
  });
  const ticks = xTicks(last).map(
    (second) =>
      `<text x="${x(second).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${second} s</text>`,
  );
  const legend = series.map(
    (s, i) =>
      `<g transform="translate(${MARGIN.left + 10 + i * 120},${MARGIN.top + 4})"><line x1="0" x2="22" y1="6" y2="6" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/><text x="28" y="10">${escape(s.name)}</text></g>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img">
<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${WIDTH - MARGIN.left - MARGIN.right}" height="${HEIGHT - MARGIN.top - MARGIN.bottom}" fill="#fff" stroke="#ccc"/>
${grid.join('\n')}
${lines.join('\n')}
${ticks.join('\n')}
${legend.join('\n')}
</svg>`;
}

function plotY(fraction: number): number {
  return HEIGHT - MARGIN.bottom - fraction * (HEIGHT - MARGIN.top - MARGIN.bottom);
}

function gridLine(at: number, label: string): string {
  const yy = at.toFixed(1);
  return (
    `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${yy}" y2="${yy}" stroke="#eee"/>` +
    `<text x="${MARGIN.left - 6}" y="${(at + 4).toFixed(1)}" text-anchor="end">${escape(label)}</text>`
  );
}

function xTicks(last: number): number[] {
  const step = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600].find((s) => last / s <= 12) ?? Math.ceil(last / 12);
  const ticks: number[] = [];
  for (let s = 0; s <= last; s += step) ticks.push(s);
  return ticks;
}

function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const nice = [1, 2, 2.5, 5, 10].find((m) => m * magnitude >= value) ?? 10;
  return nice * magnitude;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
