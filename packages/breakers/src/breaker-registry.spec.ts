import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

import {
  BreakerRegistry,
  type BreakerRegistryEvent,
  instanceBreakerName,
  routeBreakerName,
} from './breaker-registry.js';
import { BreakerShutdownError, InvalidBreakerSettingsError } from './errors.js';

const boom = () => Promise.reject(new Error('connection refused'));

describe(BreakerRegistry.name, () => {
  let registry: BreakerRegistry;

  beforeEach(() => {
    jest.useFakeTimers();
    registry = new BreakerRegistry({ defaults: { volumeThreshold: 2, resetTimeoutMs: 5_000 } });
  });

  afterEach(() => {
    registry.shutdown();
    jest.useRealTimers();
  });

  it('hands out one breaker per instance and per route, named after what it guards', () => {
    const first = registry.forInstance('orders', 'i-1');
    expect(registry.forInstance('orders', 'i-1')).toBe(first);
    expect(registry.forInstance('orders', 'i-2')).not.toBe(first);
    const route = registry.forRoute('/orders/:id');

    expect(first.name).toBe('instance:orders/i-1');
    expect(route.name).toBe('route:/orders/:id');
    expect(registry.get(instanceBreakerName('orders', 'i-1'))).toBe(first);
    expect(registry.get(routeBreakerName('/orders/:id'))).toBe(route);
    expect(registry.identity(route.name)).toEqual({ kind: 'route', name: route.name, route: '/orders/:id' });
    expect(registry.all().map((entry) => entry.identity.name)).toEqual([
      'instance:orders/i-1',
      'instance:orders/i-2',
      'route:/orders/:id',
    ]);
  });

  it('starts breakers from its defaults with per-breaker overrides applied on creation only', () => {
    const breaker = registry.forRoute('/search', { callTimeoutMs: 250 });
    expect(breaker.settings).toMatchObject({ volumeThreshold: 2, resetTimeoutMs: 5_000, callTimeoutMs: 250 });
    expect(registry.forRoute('/search', { callTimeoutMs: 999 }).settings.callTimeoutMs).toBe(250);
  });

  it('refuses invalid defaults', () => {
    expect(() => new BreakerRegistry({ defaults: { halfOpenMaxProbes: 0 } })).toThrow(
      InvalidBreakerSettingsError,
    );
  });

  it('fans in every breaker’s events with the breaker’s identity, in order', async () => {
    const events: BreakerRegistryEvent[] = [];
    const unsubscribe = registry.onEvent((event) => events.push(event));
    const breaker = registry.forInstance('orders', 'i-1');
    const identity = { kind: 'instance', name: 'instance:orders/i-1', service: 'orders', instanceId: 'i-1' };

    for (let i = 0; i < 2; i++) await breaker.execute(boom).catch(() => undefined);
    await breaker.execute(boom).catch(() => undefined);

    expect(events).toEqual([
      { type: 'added', breaker: identity, state: 'closed' },
      { type: 'failure', breaker: identity, latencyMs: 0, reason: 'error' },
      { type: 'failure', breaker: identity, latencyMs: 0, reason: 'error' },
      { type: 'stateChange', breaker: identity, from: 'closed', to: 'open' },
      { type: 'reject', breaker: identity },
    ]);

    unsubscribe();
    await breaker.execute(boom).catch(() => undefined);
    expect(events).toHaveLength(5);
  });

  it('removes a breaker: shuts it down, forgets it and says so', async () => {
    const events: BreakerRegistryEvent[] = [];
    registry.onEvent((event) => events.push(event));
    const breaker = registry.forInstance('orders', 'i-1');

    expect(registry.remove(breaker.name)).toBe(true);
    expect(registry.remove(breaker.name)).toBe(false);

    expect(registry.get(breaker.name)).toBeUndefined();
    expect(registry.all()).toEqual([]);
    await expect(breaker.execute(boom)).rejects.toBeInstanceOf(BreakerShutdownError);
    expect(events.map((event) => event.type)).toEqual(['added', 'removed']);
    expect(registry.forInstance('orders', 'i-1')).not.toBe(breaker);
  });

  it('fans in slow calls, found when they finished or while still running', async () => {
    const events: BreakerRegistryEvent[] = [];
    registry.onEvent((event) => events.push(event));
    const breaker = registry.forRoute('/search', { callTimeoutMs: 0, slowCallDurationMs: 100 });
    const late = breaker.execute(() => new Promise((resolve) => setTimeout(resolve, 250)));
    await jest.advanceTimersByTimeAsync(250);
    await late;
    breaker.execute(() => new Promise<never>(() => undefined)).catch(() => undefined);
    await jest.advanceTimersByTimeAsync(150);
    expect(breaker.state).toBe('open'); // 2 slow of 2, at the volume threshold

    const identity = { kind: 'route', name: 'route:/search', route: '/search' };
    expect(events.filter((event) => event.type === 'slowCall')).toEqual([
      { type: 'slowCall', breaker: identity, elapsedMs: 250, stillRunning: false },
      { type: 'slowCall', breaker: identity, elapsedMs: 150, stillRunning: true },
    ]);
  });
});
