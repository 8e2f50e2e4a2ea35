import { describe, expect, it } from '@jest/globals';

import { metricNames } from './promql.js';

describe(metricNames.name, () => {
  it('finds the metrics an expression reads, not its functions, labels, strings or keywords', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (service, le) (rate(http_server_request_duration_seconds_bucket{route!~"/metrics|up"}[$__rate_interval])))',
      ),
    ).toEqual(['http_server_request_duration_seconds_bucket']);
    expect(
      metricNames(
        'max by (service) (increase(a_total{phase="x"}[10m])) > 0 and on (service) max by (service) (max_over_time(b_percent[10m] offset 5m)) > 0',
      ),
    ).toEqual(['a_total', 'b_percent']);
    expect(metricNames('service:http_errors:rate1m or 0 * service:http_requests:rate1m')).toEqual([
      'service:http_errors:rate1m',
      'service:http_requests:rate1m',
    ]);
    expect(metricNames('count(ALERTS{alertstate="firing"}) or vector(0)')).toEqual(['ALERTS']);
  });
});
