import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

import { registerConsumerLag } from '@platform/kafka';

import type { RegistryView } from './registry-view.js';

export const REGISTRY_METRIC = {
  instances: 'registry_instances',
  changes: 'registry_changes_total',
  invalidMessages: 'registry_invalid_messages_total',
  heartbeatAge: 'registry_heartbeat_age_seconds',
  selfPreservation: 'registry_self_preservation',
  msSinceContact: 'registry_seconds_since_contact',
  updateDelay: 'registry_update_delay_seconds',
} as const;

/** Turns a view's events and state into Prometheus metrics in `registry`. */
export function registerRegistryMetrics(view: RegistryView, registry: Registry): void {
  new Gauge({
    name: REGISTRY_METRIC.instances,
    help: 'Live instances in this process’s registry view, by service.',
    labelNames: ['service'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [service, instances] of view.snapshot()) this.set({ service }, instances.length);
    },
  });
  new Gauge({
    name: REGISTRY_METRIC.heartbeatAge,
    help: 'Age of the oldest heartbeat among a service’s live instances.',
    labelNames: ['service'],
    registers: [registry],
    collect() {
      this.reset();
      const now = Date.now();
      for (const [service, instances] of view.snapshot()) {
        this.set({ service }, Math.max(...instances.map((i) => now - i.heartbeatAt)) / 1000);
      }
    },
  });
  new Gauge({
    name: REGISTRY_METRIC.selfPreservation,
    help: '1 while this view cannot read the registry topic and keeps every known instance instead of expiring them.',
    registers: [registry],
    collect() {
      this.set(view.liveness.selfPreserving ? 1 : 0);
    },
  });
  new Gauge({
    name: REGISTRY_METRIC.msSinceContact,
    help: 'Time since this view last read the registry topic successfully.',
    registers: [registry],
    collect() {
      this.set(view.liveness.msSinceContact / 1000);
    },
  });
  const changes = new Counter({
    name: REGISTRY_METRIC.changes,
    help: 'Instances added to or removed from the view, by service and cause.',
    labelNames: ['service', 'change'],
    registers: [registry],
  });
  const invalid = new Counter({
    name: REGISTRY_METRIC.invalidMessages,
    help: 'Registry messages ignored because they were malformed, by reason.',
    labelNames: ['reason'],
    registers: [registry],
  });
  const delay = new Histogram({
    name: REGISTRY_METRIC.updateDelay,
    help: 'From an instance writing a registry record to this view reading it (clocks of two processes).',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  view.on('delivered', (delayMs) => delay.observe(Math.max(0, delayMs) / 1000));
  registerConsumerLag(registry, 'registry', () => view.lag());
  const known = new Set<string>();
  view.on('added', (instance) => {
    if (!known.has(instance.service)) {
      known.add(instance.service);
      // Every cause from the start, at 0: increase() cannot see a first step from nothing to 1.
      for (const change of ['left', 'expired'] as const)
        changes.inc({ service: instance.service, change }, 0);
    }
    changes.inc({ service: instance.service, change: 'added' });
  });
  view.on('removed', (instance, reason) => changes.inc({ service: instance.service, change: reason }));
  view.on('invalid', (reason) => invalid.inc({ reason }));
}
