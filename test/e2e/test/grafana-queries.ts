import fs from 'node:fs';
import path from 'node:path';

import { REPO_ROOT } from '@platform/local-infra';

const DASHBOARDS_DIR = path.join(REPO_ROOT, 'infra/grafana/dashboards');

/** One query of one panel, ready to send to Prometheus. */
export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly refId: string;
  /** As written in the dashboard. */
  readonly expr: string;
  /** With Grafana's variables replaced (see {@link grafanaSubstitutions}). */
  readonly promql: string;
}

/** A dashboard variable's `label_values(metric, label)`, as the PromQL that lists its values. */
export interface VariableQuery {
  readonly dashboard: string;
  readonly variable: string;
  readonly promql: string;
}

interface Dashboard {
  readonly title: string;
  readonly templating: { readonly list: readonly { readonly name: string; readonly definition: string }[] };
  readonly panels: readonly {
    readonly type: string;
    readonly title: string;
    readonly targets?: readonly { readonly refId: string; readonly expr: string }[];
  }[];
}

/**
 * What Grafana would put in for its variables, for a query run at the end of a test: every value of
 * a dashboard variable (its "All"), `$__rate_interval` as Grafana computes it for a 15 s scrape
 * interval (4 × 15 s), `$__range` long enough to cover the test.
 */
export function grafanaSubstitutions(rangeSeconds: number): (expr: string) => string {
  return (expr) =>
    expr
      .replaceAll('$__rate_interval', '1m')
      .replaceAll('$__interval', '15s')
      .replaceAll('$__range', `${Math.ceil(rangeSeconds)}s`)
      .replace(/\$\w+/g, '.*');
}

function readDashboards(): Dashboard[] {
  return fs
    .readdirSync(DASHBOARDS_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(fs.readFileSync(path.join(DASHBOARDS_DIR, file), 'utf8')) as Dashboard);
}

export function panelQueries(substitute: (expr: string) => string): PanelQuery[] {
  return readDashboards().flatMap((dashboard) =>
    dashboard.panels.flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({
        dashboard: dashboard.title,
        panel: panel.title,
        refId: target.refId,
        expr: target.expr,
        promql: substitute(target.expr),
      })),
    ),
  );
}

export function variableQueries(): VariableQuery[] {
  return readDashboards().flatMap((dashboard) =>
    dashboard.templating.list.map((variable) => {
      const match = /^label_values\((.+),\s*(\w+)\)$/.exec(variable.definition);
      if (!match)
        throw new Error(`${dashboard.title} $${variable.name}: not a label_values(metric, label) query`);
      return {
        dashboard: dashboard.title,
        variable: variable.name,
        promql: `count by (${match[2]}) (${match[1]})`,
      };
    }),
  );
}
