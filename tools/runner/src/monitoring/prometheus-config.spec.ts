import { describe, expect, it } from '@jest/globals';

import { renderPrometheusConfig } from './prometheus-config.js';

const values = {
  gatewayUrl: 'http://127.0.0.1:8080/',
  adminTokenFile: '/state/prometheus/admin-token',
  scrapeIntervalSeconds: 15,
  prometheusAddress: '127.0.0.1:9090',
  rulesDir: '/repo/infra/prometheus/rules',
};

describe(renderPrometheusConfig.name, () => {
  it('fills the template with the gateway, the token file, the intervals and the rules', () => {
    const config = renderPrometheusConfig(values);

    expect(config).toContain("url: 'http://127.0.0.1:8080/admin/prometheus/targets'");
    expect(config).toContain("credentials_file: '/state/prometheus/admin-token'");
    expect(config).toContain("scrape_interval: '15s'");
    expect(config).toContain("scrape_timeout: '10s'");
    expect(config).toContain("- '/repo/infra/prometheus/rules/*.rules.yml'");
    expect(config).toContain("targets: ['127.0.0.1:9090']");
    expect(config).not.toContain('${');
  });

  it('keeps the scrape timeout within a short interval', () => {
    const config = renderPrometheusConfig({ ...values, scrapeIntervalSeconds: 1 });

    expect(config).toContain("scrape_interval: '1s'");
    expect(config).toContain("scrape_timeout: '1s'");
  });

  it('refuses an interval Prometheus would not take', () => {
    expect(() => renderPrometheusConfig({ ...values, scrapeIntervalSeconds: 0.5 })).toThrow('whole number');
  });

  it('fails on a placeholder it has no value for', () => {
    expect(() => renderPrometheusConfig(values, "url: '${ALERTMANAGER_URL}'")).toThrow('${ALERTMANAGER_URL}');
  });
});
