import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Words of PromQL that look like metric names but are not. */
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool']);
const KEYWORDS_BINARY = new Set(['and', 'or', 'unless', 'atan2', 'inf', 'nan']);

/**
 * The metric names an expression reads (`rate(x_total{a="b"}[5m])` → `x_total`): strings, label
 * matchers, ranges, label lists and function names left out. Enough for the expressions of this
 * repository's rules and dashboards, not a PromQL parser.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![\w:.$])([A-Za-z_:][\w:]*)(\s*\()?/g)) {
    const [, name = '', call] = match;
    if (call || KEYWORDS.has(name) || KEYWORDS_BINARY.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}

/**
 * Every metric name the platform's code can export: the string literals of its sources that look
 * like one (metric names are constants in the code). A histogram's series add `_bucket`, `_count`
 * and `_sum` to its name.
 */
export function exportedMetricNames(): Set<string> {
  const names = new Set<string>();
  for (const root of ['apps', 'packages']) {
    for (const workspace of fs.readdirSync(path.join(REPO_ROOT, root))) {
      const src = path.join(REPO_ROOT, root, workspace, 'src');
      if (!fs.existsSync(src)) continue;
      for (const file of fs.readdirSync(src, { recursive: true, encoding: 'utf8' })) {
        if (!file.endsWith('.ts') || file.endsWith('.spec.ts')) continue;
        const text = fs.readFileSync(path.join(src, file), 'utf8');
        for (const [, literal = ''] of text.matchAll(/'([a-z][a-z0-9]*(?:_[a-z0-9]+)+)'/g))
          names.add(literal);
      }
    }
  }
  return names;
}

/** Metrics every target has without the platform's code: Prometheus's own, and prom-client's defaults. */
export function isBuiltInMetric(name: string): boolean {
  return (
    name === 'up' ||
    name === 'ALERTS' ||
    name.startsWith('process_') ||
    name.startsWith('nodejs_') ||
    name.startsWith('prometheus_')
  );
}

/** `name` or the histogram or summary it is a series of. */
export function baseMetricName(name: string): string {
  return name.replace(/_(bucket|count|sum)$/, '');
}
