import { afterAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { baseMetricName, exportedMetricNames, isBuiltInMetric, metricNames, REPO_ROOT } from './promql.js';

const GRAFANA_DIR = path.join(REPO_ROOT, 'infra/grafana');
const DASHBOARDS_DIR = path.join(GRAFANA_DIR, 'dashboards');
const RULES_DIR = path.join(REPO_ROOT, 'infra/prometheus/rules');
/** Grafana's own variables, substituted when a query runs. */
const BUILT_IN_VARIABLES = new Set(['__rate_interval', '__interval', '__range']);

interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly datasource?: { readonly type: string; readonly uid: string };
  readonly gridPos: { readonly h: number; readonly w: number; readonly x: number; readonly y: number };
  readonly targets?: readonly { readonly refId: string; readonly expr: string }[];
}
interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly templating: { readonly list: readonly { readonly name: string; readonly definition: string }[] };
  readonly panels: readonly Panel[];
}

const dashboards = fs
  .readdirSync(DASHBOARDS_DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({
    file,
    json: JSON.parse(fs.readFileSync(path.join(DASHBOARDS_DIR, file), 'utf8')) as Dashboard,
  }));
const queryPanels = dashboards.flatMap(({ file, json }) =>
  json.panels.filter((panel) => panel.type !== 'row').map((panel) => ({ file, dashboard: json, panel })),
);
const queries = queryPanels.flatMap(({ file, dashboard, panel }) =>
  (panel.targets ?? []).map((target) => ({
    name: `${file} “${panel.title}” ${target.refId}`,
    dashboard,
    expr: target.expr,
  })),
);
const datasource = (
  parse(fs.readFileSync(path.join(GRAFANA_DIR, 'provisioning/datasources/prometheus.yml'), 'utf8')) as {
    datasources: { uid: string; type: string }[];
  }
).datasources[0]!;
const recorded = new Set(
  fs
    .readdirSync(RULES_DIR)
    .filter((file) => file.endsWith('.rules.yml'))
    .flatMap((file) =>
      (
        parse(fs.readFileSync(path.join(RULES_DIR, file), 'utf8')) as {
          groups: { rules: { record?: string }[] }[];
        }
      ).groups.flatMap((group) => group.rules.flatMap((rule) => (rule.record ? [rule.record] : []))),
    ),
);

describe('the Grafana dashboards', () => {
  const exported = exportedMetricNames();

  it('are the seven of the platform, each with its own uid and title, tagged for the dashboard links', () => {
    expect(dashboards.map(({ json }) => json.title).sort()).toEqual([
      'Circuit breakers',
      'Flags and releases',
      'Gateway and upstreams',
      'Ids',
      'Load balancing',
      'Platform overview',
      'Shards and resharding',
    ]);
    expect(new Set(dashboards.map(({ json }) => json.uid)).size).toBe(dashboards.length);
    for (const { json } of dashboards) expect(json.tags).toContain('platform');
  });

  it.each(queryPanels.map(({ file, panel }) => [file, panel.title, panel] as const))(
    '%s “%s” queries the provisioned Prometheus and fits the grid',
    (_file, _title, panel) => {
      expect(panel.datasource).toEqual({ type: datasource.type, uid: datasource.uid });
      expect(panel.targets?.length).toBeGreaterThan(0);
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
    },
  );

  it.each(queries.map((query) => [query.name, query] as const))(
    '%s uses only variables it defines',
    (_name, query) => {
      const defined = new Set(query.dashboard.templating.list.map((variable) => variable.name));
      const used = [...query.expr.matchAll(/\$(\w+)/g)].map(([, name]) => name!);
      expect(used.filter((name) => !defined.has(name) && !BUILT_IN_VARIABLES.has(name))).toEqual([]);
    },
  );

  it.each(queries.map((query) => [query.name, query.expr] as const))(
    '%s reads only metrics the platform exports or a rule records',
    (_name, expr) => {
      const unknown = metricNames(expr).filter(
        (name) => !isBuiltInMetric(name) && !recorded.has(name) && !exported.has(baseMetricName(name)),
      );
      expect(unknown).toEqual([]);
    },
  );
});

const promtoolInstalled = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).error === undefined;
const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'infra-grafana-'));
afterAll(() => fs.rmSync(tempDir, { recursive: true, force: true }));

describe('every panel query is valid PromQL', () => {
  // promtool has no server-less query check, but it parses recording rules: one per query, with
  // Grafana's variables replaced as Grafana would (test/e2e runs them against a real Prometheus).
  (promtoolInstalled ? it : it.skip)('`promtool check rules` parses all of them', () => {
    const rules = queries.map((query, i) => ({
      record: `dashboard_query_${i}`,
      expr: query.expr
        .replaceAll('$__rate_interval', '1m')
        .replaceAll('$__interval', '15s')
        .replaceAll('$__range', '1h')
        .replace(/\$\w+/g, '.*'),
    }));
    const file = path.join(tempDir, 'dashboards.rules.yml');
    fs.writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboards', rules }] }));
    const result = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8', timeout: 60_000 });
    expect({
      exitCode: result.status,
      output: result.status === 0 ? '' : `${result.stdout}${result.stderr}`,
    }).toEqual({
      exitCode: 0,
      output: '',
    });
  });
});

describe('Grafana provisioning', () => {
  it('reads the dashboards where docker-compose mounts them', () => {
    const provider = (
      parse(fs.readFileSync(path.join(GRAFANA_DIR, 'provisioning/dashboards/platform.yml'), 'utf8')) as {
        providers: { options: { path: string } }[];
      }
    ).providers[0]!;
    const compose = fs.readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
    expect(compose).toContain(`./infra/grafana/dashboards:${provider.options.path}:ro`);
  });
});
