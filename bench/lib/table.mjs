// Prints rows as a Markdown table (pastes straight into bench/README.md). Cells that look like numbers
// are right-aligned.

const NUMERIC = /^[-+]?(\d[\d,]*(\.\d+)?|\.\d+)( ?(%|×|ms|s|µs|rps|k))?$|^timeout$|^n\/a$/;

export function table(headers, rows) {
  const cells = [headers, ...rows].map((row) => row.map((cell) => String(cell ?? '')));
  const widths = headers.map((_, c) => Math.max(3, ...cells.map((row) => row[c].length)));
  const numeric = headers.map(
    (_, c) => rows.length > 0 && rows.every((row) => NUMERIC.test(String(row[c] ?? ''))),
  );
  const line = (row) =>
    `| ${row.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join(' | ')} |`;
  const rule = `| ${widths.map((w, c) => (numeric[c] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}

export function printTable(title, headers, rows) {
  process.stdout.write(`\n${title}\n\n${table(headers, rows)}\n\n`);
}

/** "1.23×" */
export function ratio(value, reference, digits = 2) {
  if (!Number.isFinite(value) || !Number.isFinite(reference) || reference === 0) return 'n/a';
  return `${(value / reference).toFixed(digits)}×`;
}
