/**
 * Prometheus metrics for every breaker of a registry, built from its events alone. Takes the
 * caller's prom-client Registry and never touches the global one.
 *
 * Labels stay low-cardinality: `kind` (instance | route), then `service` and `instance` for
 * instance breakers (instances are bounded, and their series are removed when they leave) or
 * `route` (the route pattern, never a raw URL) for route breakers.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

import type { BreakerIdentity, BreakerRegistry } from './breaker-registry.js';
import type { BreakerState } from './breaker-events.js';

/** Metric names are constants so dashboards, alert rules and code cannot drift apart. */
export const BREAKER_METRIC = {
  state: 'breaker_state',
  transitions: 'breaker_transitions_total',
  calls: 'breaker_calls_total',
  slowCalls: 'breaker_slow_calls_total',
} as const;

/** The gauge's value per state: ordered by how much traffic gets through. */
export const BREAKER_STATE_VALUE: { readonly [S in BreakerState]: number } = {
  closed: 0,
  'half-open': 1,
  open: 2,
};

export const CALL_OUTCOMES = ['success', 'failure', 'timeout', 'rejected'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** Every transition a breaker can make. */
const TRANSITIONS: readonly (readonly [BreakerState, BreakerState])[] = [
  ['closed', 'open'],
  ['open', 'half-open'],
  ['half-open', 'closed'],
  ['half-open', 'open'],
];

const IDENTITY_LABELS = ['kind', 'service', 'instance', 'route'] as const;
type IdentityLabel = (typeof IDENTITY_LABELS)[number];
type Labels = Partial<Record<IdentityLabel | 'from' | 'to' | 'outcome', string>>;

/**
 * Registers the breaker metrics in `metrics` and keeps them current from `breakers`' events,
 * including breakers that already exist. Returns the function that stops listening.
 */
export function registerBreakerMetrics(breakers: BreakerRegistry, metrics: Registry): () => void {
  const state = new Gauge({
    name: BREAKER_METRIC.state,
    help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open.',
    labelNames: IDENTITY_LABELS,
    registers: [metrics],
  });
  const transitions = new Counter({
    name: BREAKER_METRIC.transitions,
    help: 'Circuit breaker state transitions, by from and to state.',
    labelNames: [...IDENTITY_LABELS, 'from', 'to'],
    registers: [metrics],
  });
  const calls = new Counter({
    name: BREAKER_METRIC.calls,
    help: 'Calls through circuit breakers by outcome: success, failure (error or failed result), timeout, rejected.',
    labelNames: [...IDENTITY_LABELS, 'outcome'],
    registers: [metrics],
  });
  const slowCalls = new Counter({
    name: BREAKER_METRIC.slowCalls,
    help:
      'Calls through circuit breakers that ran past slowCallDurationMs, counted once each: when found ' +
      'still running or when they finished (they also count in breaker_calls_total when they finish).',
    labelNames: IDENTITY_LABELS,
    registers: [metrics],
  });

  // Every call counts once: each breaker keeps its series' children, so the hot path skips hashing
  // the label set per call.
  const callSeries = new Map<string, Record<CallOutcome | 'slow', { inc(): void }>>();
  const seriesOf = (identity: BreakerIdentity) => {
    let series = callSeries.get(identity.name);
    if (!series) {
      const labels = identityLabels(identity);
      series = {
        success: calls.labels({ ...labels, outcome: 'success' }),
        failure: calls.labels({ ...labels, outcome: 'failure' }),
        timeout: calls.labels({ ...labels, outcome: 'timeout' }),
        rejected: calls.labels({ ...labels, outcome: 'rejected' }),
        slow: slowCalls.labels(labels),
      };
      callSeries.set(identity.name, series);
    }
    return series;
  };

  const added = (identity: BreakerIdentity, current: BreakerState) => {
    const labels = identityLabels(identity);
    state.set(labels, BREAKER_STATE_VALUE[current]);
    // Series start at 0, so increase() and alerts see the first transition or rejection.
    for (const [from, to] of TRANSITIONS) transitions.inc({ ...labels, from, to }, 0);
    for (const outcome of CALL_OUTCOMES) calls.inc({ ...labels, outcome }, 0);
    slowCalls.inc(labels, 0);
  };

  const removed = (identity: BreakerIdentity) => {
    const labels = identityLabels(identity);
    callSeries.delete(identity.name);
    state.remove(labels);
    for (const [from, to] of TRANSITIONS) transitions.remove({ ...labels, from, to });
    for (const outcome of CALL_OUTCOMES) calls.remove({ ...labels, outcome });
    slowCalls.remove(labels);
  };

  for (const { identity, breaker } of breakers.all()) added(identity, breaker.state);

  return breakers.onEvent((event) => {
    switch (event.type) {
      case 'added':
        return added(event.breaker, event.state);
      case 'removed':
        return removed(event.breaker);
      case 'stateChange': {
        const labels = identityLabels(event.breaker);
        state.set(labels, BREAKER_STATE_VALUE[event.to]);
        transitions.inc({ ...labels, from: event.from, to: event.to });
        return;
      }
      case 'success':
        return seriesOf(event.breaker).success.inc();
      case 'failure':
        return seriesOf(event.breaker)[event.reason === 'timeout' ? 'timeout' : 'failure'].inc();
      case 'reject':
        return seriesOf(event.breaker).rejected.inc();
      case 'slowCall':
        return seriesOf(event.breaker).slow.inc();
    }
  });
}

function identityLabels(identity: BreakerIdentity): Labels {
  return identity.kind === 'instance'
    ? { kind: 'instance', service: identity.service, instance: identity.instanceId }
    : { kind: 'route', route: identity.route };
}
