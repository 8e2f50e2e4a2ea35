import type { ScenarioResult } from '../scenario.js';

/** The run as a table (one row per scenario), then each scenario's checks with what was observed. */
export function renderTable(results: readonly ScenarioResult[]): string {
  const rows = results.map((r) => [
    r.name,
    r.passed ? 'PASS' : 'FAIL',
    `${r.seconds.toFixed(0)} s`,
    `${r.checks.filter((c) => c.pass).length}/${r.checks.length}`,
    headline(r),
  ]);
  const header = ['SCENARIO', 'RESULT', 'TIME', 'CHECKS', 'KEY FIGURES'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const lines = [line(header), ...rows.map(line), ''];
  for (const result of results) {
    lines.push(`${result.name}: ${result.fault}`);
    for (const c of result.checks) lines.push(`  ${c.pass ? 'ok  ' : 'FAIL'} ${c.rule}: ${c.observed}`);
    if (result.error) lines.push(`  ERROR ${result.error.split('\n').slice(0, 4).join('\n        ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** One short line of the figures that matter most for a scenario. */
function headline(result: ScenarioResult): string {
  if (result.error) return `error: ${result.error.split('\n')[0]!.slice(0, 80)}`;
  const failed = result.checks.filter((c) => !c.pass);
  if (failed.length > 0)
    return failed.map((c) => `${c.rule.slice(0, 40)}… ${c.observed.slice(0, 60)}`).join(' | ');
  return result.checks
    .map((c) => c.observed)
    .join('; ')
    .slice(0, 110);
}
