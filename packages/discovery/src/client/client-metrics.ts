import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

import { registerBreakerMetrics } from '@platform/breakers';
import { LATENCY_BUCKETS_SECONDS } from '@platform/observability';

import type { ServiceClient } from './service-client.js';

export const CLIENT_METRIC = {
  attempts: 'upstream_attempts_total',
  attemptDuration: 'upstream_attempt_duration_seconds',
  retries: 'upstream_retries_total',
  budgetExhausted: 'upstream_retry_budget_exhausted_total',
  ejections: 'upstream_ejections_total',
  inflight: 'upstream_inflight_requests',
  latencyEwma: 'upstream_latency_ewma_seconds',
  ejected: 'upstream_ejected',
} as const;

/**
 * The caller's view of its upstreams as Prometheus metrics: attempts by outcome and their
 * duration per service; retries, exhausted budgets and ejections; and per instance (a bounded
 * set) the in-flight count, the latency EWMA and whether it is ejected. Breakers report their own.
 */
export function registerClientMetrics(client: ServiceClient, registry: Registry): void {
  const attempts = new Counter({
    name: CLIENT_METRIC.attempts,
    help: 'Attempts to call an upstream service, by outcome (success, http_error, dependency_error, connect, reset, timeout, breaker_open, other).',
    labelNames: ['service', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: CLIENT_METRIC.attemptDuration,
    help: 'Time until an upstream answered (headers) or failed, per attempt.',
    labelNames: ['service'],
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [registry],
  });
  const retries = new Counter({
    name: CLIENT_METRIC.retries,
    help: 'Attempts sent again to another instance, by what failed.',
    labelNames: ['service', 'reason'],
    registers: [registry],
  });
  const exhausted = new Counter({
    name: CLIENT_METRIC.budgetExhausted,
    help: 'Retries not made because the retry budget was used up.',
    labelNames: ['service'],
    registers: [registry],
  });
  const ejections = new Counter({
    name: CLIENT_METRIC.ejections,
    help: 'Instances ejected after consecutive failures (passive health).',
    labelNames: ['service'],
    registers: [registry],
  });
  const perInstance = (
    name: string,
    help: string,
    value: (entry: ReturnType<ServiceClient['describe']>[number]) => number,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['service', 'instance'],
      registers: [registry],
      collect() {
        this.reset();
        for (const service of client.services()) {
          for (const entry of client.describe(service))
            this.set({ service, instance: entry.instance.id }, value(entry));
        }
      },
    });
  perInstance(
    CLIENT_METRIC.inflight,
    'Requests sent to the instance and not yet answered.',
    (e) => e.load.inflight,
  );
  perInstance(
    CLIENT_METRIC.latencyEwma,
    'Moving average of the instance’s latency as this caller sees it.',
    (e) => e.load.latencyEwmaMs / 1000,
  );
  perInstance(CLIENT_METRIC.ejected, '1 while the instance is ejected.', (e) => (e.ejection ? 1 : 0));

  // A service's rare-event counters start at 0 when it is first called: a series that appears at 1
  // has no earlier sample, so increase() and rate() never see that first ejection, and a dashboard
  // panel has no data until something went wrong.
  const seen = new Set<string>();
  const firstCall = (service: string) => {
    if (seen.has(service)) return;
    seen.add(service);
    ejections.inc({ service }, 0);
    exhausted.inc({ service }, 0);
  };

  client.onEvent((event) => {
    switch (event.type) {
      case 'attempt':
        firstCall(event.attempt.service);
        attempts.inc({ service: event.attempt.service, outcome: event.attempt.outcome });
        duration.observe({ service: event.attempt.service }, event.attempt.latencyMs / 1000);
        if (event.attempt.retried)
          retries.inc({ service: event.attempt.service, reason: event.attempt.outcome });
        return;
      case 'ejected':
        ejections.inc({ service: event.service });
        return;
      case 'budget_exhausted':
        exhausted.inc({ service: event.service });
        return;
    }
  });
  registerBreakerMetrics(client.breakers, registry);
}
