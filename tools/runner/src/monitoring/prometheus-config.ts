import fs from 'node:fs';
import path from 'node:path';

import { REPO_ROOT } from '@platform/local-infra';

/** The template `npm start` fills in; the scrape job is the one docker-compose's Prometheus uses. */
export const PROMETHEUS_TEMPLATE = path.join(REPO_ROOT, 'infra/prometheus/prometheus.local.template.yml');
/** Recording and alert rules (`*.rules.yml`), read from the repository so an edit applies on restart. */
export const PROMETHEUS_RULES_DIR = path.join(REPO_ROOT, 'infra/prometheus/rules');

export interface PrometheusConfigValues {
  /** Where the gateway serves `GET /admin/prometheus/targets`. */
  readonly gatewayUrl: string;
  /** A file holding the admin token, which Prometheus sends to the gateway as a Bearer token. */
  readonly adminTokenFile: string;
  /** How often every target is scraped, service discovery refreshed and rules evaluated. */
  readonly scrapeIntervalSeconds: number;
  /** `host:port` Prometheus listens on, to scrape itself. */
  readonly prometheusAddress: string;
  readonly rulesDir?: string;
}

/**
 * The local Prometheus configuration: the template with each `${NAME}` replaced. Fails on a
 * placeholder it does not know, so the template and this function cannot drift apart silently.
 */
export function renderPrometheusConfig(
  values: PrometheusConfigValues,
  template = fs.readFileSync(PROMETHEUS_TEMPLATE, 'utf8'),
): string {
  const interval = values.scrapeIntervalSeconds;
  if (!Number.isInteger(interval) || interval < 1 || interval > 300) {
    throw new Error(`the scrape interval must be a whole number of seconds from 1 to 300, got ${interval}`);
  }
  const substitutions: Readonly<Record<string, string>> = {
    GATEWAY_URL: values.gatewayUrl.replace(/\/+$/, ''),
    ADMIN_TOKEN_FILE: values.adminTokenFile,
    SCRAPE_INTERVAL: `${interval}s`,
    // A scrape must give up before the next one is due.
    SCRAPE_TIMEOUT: `${Math.min(10, interval)}s`,
    RULES_DIR: values.rulesDir ?? PROMETHEUS_RULES_DIR,
    PROMETHEUS_ADDRESS: values.prometheusAddress,
  };
  return template.replace(/\$\{(\w+)\}/g, (_match, name: string) => {
    const value = substitutions[name];
    if (value === undefined) throw new Error(`the Prometheus template uses \${${name}}, which has no value`);
    return value;
  });
}
