import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

import { registerConsumerLag } from '@platform/kafka';

import type { FlagsClient } from './flags-client.js';

export const FLAGS_METRIC = {
  evaluations: 'flags_evaluations_total',
  held: 'flags_held',
  changes: 'flags_changes_applied_total',
  propagation: 'flags_change_propagation_seconds',
} as const;

/**
 * A service's flags as Prometheus sees them: evaluations per flag (counted on the hot path as plain
 * numbers, read when scraped), flags and segments held, changes applied, how long a change took from
 * flags-service to here, and the reader's lag behind the topic.
 */
export function registerFlagsMetrics(client: FlagsClient, registry: Registry): void {
  new Counter({
    name: FLAGS_METRIC.evaluations,
    help: 'Flag evaluations in this process, by flag (flag_not_found: a flag it does not hold).',
    labelNames: ['flag'],
    registers: [registry],
    collect() {
      const { byFlag, notFound } = client.evaluationCounts();
      this.reset();
      for (const [flag, count] of byFlag) this.inc({ flag }, count);
      if (notFound > 0) this.inc({ flag: 'flag_not_found' }, notFound);
    },
  });
  new Gauge({
    name: FLAGS_METRIC.held,
    help: 'Flags and segments this process holds, by kind.',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      this.set({ kind: 'flag' }, client.flags().length);
      this.set({ kind: 'segment' }, client.segments().length);
    },
  });
  const changes = new Counter({
    name: FLAGS_METRIC.changes,
    help: 'Flag and segment changes applied, by kind and where they came from (topic or snapshot).',
    labelNames: ['kind', 'source'],
    registers: [registry],
  });
  const propagation = new Histogram({
    name: FLAGS_METRIC.propagation,
    help: 'From flags-service publishing a change to this process reading it (clocks of two processes).',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  client.on('change', (kind, _key, _version, details) => changes.inc({ kind, source: details.source }));
  client.on('delivered', (delayMs) => propagation.observe(Math.max(0, delayMs) / 1000));
  registerConsumerLag(registry, 'flags', () => client.lag());
}
