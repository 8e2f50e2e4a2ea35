import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';

import { BreakerRegistry } from '@platform/breakers';

import { CLIENT_METRIC, registerClientMetrics } from './client-metrics.js';
import type { ClientEvent, ServiceClient } from './service-client.js';

/** The events side of a ServiceClient: what registerClientMetrics listens to. */
function eventSource(): { client: ServiceClient; emit: (event: ClientEvent) => void } {
  let listener: (event: ClientEvent) => void = () => undefined;
  const client = {
    breakers: new BreakerRegistry(),
    services: () => [],
    describe: () => [],
    onEvent: (l: (event: ClientEvent) => void) => (listener = l),
  } as unknown as ServiceClient;
  return { client, emit: (event) => listener(event) };
}

const attempt = (service: string): ClientEvent => ({
  type: 'attempt',
  attempt: { service, instance: `${service}-1`, outcome: 'success', latencyMs: 3, retried: false },
});

async function valuesOf(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return Object.fromEntries((metric?.values ?? []).map((v) => [String(v.labels['service']), v.value]));
}

describe(registerClientMetrics.name, () => {
  it('starts a service’s ejection and exhausted-budget counters at 0 on its first call, so the first one is seen by increase()', async () => {
    const registry = new Registry();
    const { client, emit } = eventSource();
    registerClientMetrics(client, registry);
    expect(await valuesOf(registry, CLIENT_METRIC.ejections)).toEqual({});

    emit(attempt('ids'));
    emit(attempt('ids'));
    expect(await valuesOf(registry, CLIENT_METRIC.ejections)).toEqual({ ids: 0 });
    expect(await valuesOf(registry, CLIENT_METRIC.budgetExhausted)).toEqual({ ids: 0 });

    emit({ type: 'ejected', service: 'ids', instance: 'ids-1', count: 1 });
    emit(attempt('users'));
    expect(await valuesOf(registry, CLIENT_METRIC.ejections)).toEqual({ ids: 1, users: 0 });
  });
});
