import { afterAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { renderPrometheusConfig } from '@platform/runner';

import { baseMetricName, exportedMetricNames, isBuiltInMetric, metricNames, REPO_ROOT } from './promql.js';

const PROMETHEUS_DIR = path.join(REPO_ROOT, 'infra/prometheus');
const RULES_DIR = path.join(PROMETHEUS_DIR, 'rules');
const COMPOSE_CONFIG = path.join(PROMETHEUS_DIR, 'prometheus.yml');
const LOCAL_TEMPLATE = path.join(PROMETHEUS_DIR, 'prometheus.local.template.yml');
const OBSERVABILITY_DOC = path.join(REPO_ROOT, 'docs/observability.md');

const ruleFiles = fs.readdirSync(RULES_DIR).filter((file) => file.endsWith('.rules.yml'));
const testFiles = fs.readdirSync(RULES_DIR).filter((file) => file.endsWith('.test.yml'));

interface Rule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly annotations?: Readonly<Record<string, string>>;
}
interface RuleGroups {
  readonly groups: readonly { readonly name: string; readonly rules: readonly Rule[] }[];
}
interface RuleTests {
  readonly rule_files: readonly string[];
  readonly tests: readonly {
    readonly alert_rule_test?: readonly {
      readonly alertname: string;
      readonly exp_alerts: readonly unknown[];
    }[];
  }[];
}
interface ScrapeConfig {
  readonly job_name: string;
  readonly http_sd_configs?: readonly {
    readonly url: string;
    readonly authorization?: { readonly type?: string; readonly credentials_file?: string };
  }[];
  readonly relabel_configs?: readonly unknown[];
}

const rules = ruleFiles.flatMap((file) =>
  (parse(fs.readFileSync(path.join(RULES_DIR, file), 'utf8')) as RuleGroups).groups.flatMap(
    (group) => group.rules,
  ),
);
const alerts = rules.filter((rule) => rule.alert !== undefined);

const promtoolInstalled = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).error === undefined;
if (!promtoolInstalled) {
  // eslint-disable-next-line no-console -- a skipped check has to show in the test output
  console.warn(
    'SKIPPED: `promtool check config`, `promtool check rules` and `promtool test rules` cannot check ' +
      'infra/prometheus, because promtool is not installed. CI installs it through .ci/run; locally: ' +
      'apt-get install prometheus (it brings promtool), or a release from https://prometheus.io/download/.',
  );
}
const itWithPromtool = promtoolInstalled ? it : it.skip;

function promtool(...args: string[]): { exitCode: number | null; output: string } {
  const result = spawnSync('promtool', args, { cwd: RULES_DIR, encoding: 'utf8', timeout: 60_000 });
  return { exitCode: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'infra-prometheus-'));
afterAll(() => fs.rmSync(tempDir, { recursive: true, force: true }));

describe('promtool accepts the Prometheus configuration and rules', () => {
  itWithPromtool('`promtool check config` accepts docker-compose’s prometheus.yml and its rule files', () => {
    const result = promtool('check', 'config', COMPOSE_CONFIG);
    expect(result).toMatchObject({ exitCode: 0 });
  });

  itWithPromtool('`promtool check config` accepts the configuration `npm start` writes', () => {
    const tokenFile = path.join(tempDir, 'admin-token');
    fs.writeFileSync(tokenFile, 'token', { mode: 0o600 });
    const configFile = path.join(tempDir, 'prometheus.yml');
    fs.writeFileSync(
      configFile,
      renderPrometheusConfig({
        gatewayUrl: 'http://127.0.0.1:8080',
        adminTokenFile: tokenFile,
        scrapeIntervalSeconds: 15,
        prometheusAddress: '127.0.0.1:9090',
      }),
    );
    const result = promtool('check', 'config', configFile);
    expect(result).toMatchObject({ exitCode: 0 });
    expect(result.output).toContain(`SUCCESS: ${ruleFiles.length} rule files found`);
  });

  itWithPromtool.each(ruleFiles)('`promtool check rules` accepts %s', (file) => {
    expect(promtool('check', 'rules', file)).toMatchObject({ exitCode: 0 });
  });

  itWithPromtool.each(testFiles)('`promtool test rules %s` passes', (file) => {
    const result = promtool('test', 'rules', file);
    // The output names the failing test and what it expected, when one fails.
    expect({ exitCode: result.exitCode, output: result.exitCode === 0 ? 'SUCCESS' : result.output }).toEqual({
      exitCode: 0,
      output: 'SUCCESS',
    });
  });
});

describe('every alert is tested and documented', () => {
  const tests = testFiles.map(
    (file) => parse(fs.readFileSync(path.join(RULES_DIR, file), 'utf8')) as RuleTests,
  );
  const firedInTests = new Set(
    tests.flatMap((file) =>
      file.tests.flatMap((test) =>
        (test.alert_rule_test ?? []).filter((t) => t.exp_alerts.length > 0).map((t) => t.alertname),
      ),
    ),
  );
  const quietInTests = new Set(
    tests.flatMap((file) =>
      file.tests.flatMap((test) =>
        (test.alert_rule_test ?? []).filter((t) => t.exp_alerts.length === 0).map((t) => t.alertname),
      ),
    ),
  );
  const doc = fs.existsSync(OBSERVABILITY_DOC) ? fs.readFileSync(OBSERVABILITY_DOC, 'utf8') : '';

  it('has alerts', () => {
    expect(alerts.length).toBeGreaterThan(0);
  });

  it.each(alerts.map((rule) => rule.alert!))(
    '%s has a unit test where it fires and one where it does not',
    (name) => {
      expect({ fires: firedInTests.has(name), staysQuiet: quietInTests.has(name) }).toEqual({
        fires: true,
        staysQuiet: true,
      });
    },
  );

  it.each(alerts.map((rule) => [rule.alert!, rule] as const))(
    '%s links to its section in docs/observability.md',
    (name, rule) => {
      expect(rule.annotations?.['runbook']).toBe(`docs/observability.md#${name.toLowerCase()}`);
      expect(doc).toMatch(new RegExp(`^#+ ${name}$`, 'm'));
    },
  );
});

describe('rules read metrics that exist', () => {
  const exported = exportedMetricNames();
  const recorded = new Set(rules.flatMap((rule) => (rule.record ? [rule.record] : [])));

  it.each(rules.map((rule) => [rule.alert ?? rule.record!, rule.expr] as const))(
    '%s reads only metrics the platform exports or a rule records',
    (_name, expr) => {
      const unknown = metricNames(expr).filter(
        (name) => !isBuiltInMetric(name) && !recorded.has(name) && !exported.has(baseMetricName(name)),
      );
      expect(unknown).toEqual([]);
    },
  );
});

describe('docker-compose’s Prometheus and `npm start`’s scrape the registry the same way', () => {
  const compose = parse(fs.readFileSync(COMPOSE_CONFIG, 'utf8')) as { scrape_configs: ScrapeConfig[] };
  const local = parse(fs.readFileSync(LOCAL_TEMPLATE, 'utf8')) as { scrape_configs: ScrapeConfig[] };
  const job = (config: { scrape_configs: ScrapeConfig[] }) =>
    config.scrape_configs.find((scrape) => scrape.job_name === 'platform');

  it('both have the platform job, finding targets at the gateway’s GET /admin/prometheus/targets with the token', () => {
    for (const config of [compose, local]) {
      const [sd] = job(config)?.http_sd_configs ?? [];
      expect(sd?.url).toMatch(/\/admin\/prometheus\/targets$/);
      expect(sd?.authorization).toMatchObject({ type: 'Bearer', credentials_file: expect.any(String) });
    }
  });

  it('both relabel the targets alike', () => {
    expect(job(local)?.relabel_configs).toEqual(job(compose)?.relabel_configs);
  });

  it('both scrape the same jobs', () => {
    expect(local.scrape_configs.map((scrape) => scrape.job_name)).toEqual(
      compose.scrape_configs.map((scrape) => scrape.job_name),
    );
  });
});
