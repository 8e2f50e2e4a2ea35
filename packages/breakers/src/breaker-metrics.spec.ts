import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { register as globalRegistry, Registry } from 'prom-client';

import { BREAKER_METRIC, registerBreakerMetrics } from './breaker-metrics.js';
import { BreakerRegistry } from './breaker-registry.js';

const boom = () => Promise.reject(new Error('connection refused'));
const ok = () => Promise.resolve('ok');

async function values(metrics: Registry, name: string): Promise<Record<string, number>> {
  const metric = metrics.getSingleMetric(name);
  if (!metric) throw new Error(`${name} is not registered`);
  const { values: samples } = await metric.get();
  return Object.fromEntries(
    samples.map((sample) => [
      Object.entries(sample.labels)
        .map(([key, value]) => `${key}=${value}`)
        .join(','),
      sample.value,
    ]),
  );
}

describe(registerBreakerMetrics.name, () => {
  let breakers: BreakerRegistry;
  let metrics: Registry;

  beforeEach(() => {
    jest.useFakeTimers();
    breakers = new BreakerRegistry({ defaults: { volumeThreshold: 2, resetTimeoutMs: 5_000 } });
    metrics = new Registry();
  });

  afterEach(() => {
    breakers.shutdown();
    jest.useRealTimers();
  });

  it('shows each breaker’s state, including breakers that existed before it was registered', async () => {
    const early = breakers.forInstance('orders', 'i-1');
    registerBreakerMetrics(breakers, metrics);
    breakers.forRoute('/orders/:id');

    for (let i = 0; i < 2; i++) await early.execute(boom).catch(() => undefined);

    expect(await values(metrics, BREAKER_METRIC.state)).toEqual({
      'kind=instance,service=orders,instance=i-1': 2,
      'kind=route,route=/orders/:id': 0,
    });
    await jest.advanceTimersByTimeAsync(5_000);
    expect((await values(metrics, BREAKER_METRIC.state))['kind=instance,service=orders,instance=i-1']).toBe(
      1,
    );
    await early.execute(ok);
    expect((await values(metrics, BREAKER_METRIC.state))['kind=instance,service=orders,instance=i-1']).toBe(
      0,
    );
  });

  it('counts transitions and calls by outcome, starting every series at 0', async () => {
    registerBreakerMetrics(breakers, metrics);
    const breaker = breakers.forRoute('/search', { callTimeoutMs: 100, volumeThreshold: 3 });

    await breaker.execute(ok);
    await breaker.execute(
      () => Promise.resolve({ status: 503 }),
      (response) => response.status >= 500,
    );
    const slow = breaker.execute(() => new Promise<never>(() => undefined)).catch(() => undefined);
    await jest.advanceTimersByTimeAsync(100);
    await slow;
    await breaker.execute(ok).catch(() => undefined);

    expect(await values(metrics, BREAKER_METRIC.calls)).toEqual({
      'kind=route,route=/search,outcome=success': 1,
      'kind=route,route=/search,outcome=failure': 1,
      'kind=route,route=/search,outcome=timeout': 1,
      'kind=route,route=/search,outcome=rejected': 1,
    });
    expect(await values(metrics, BREAKER_METRIC.transitions)).toEqual({
      'kind=route,route=/search,from=closed,to=open': 1,
      'kind=route,route=/search,from=open,to=half-open': 0,
      'kind=route,route=/search,from=half-open,to=closed': 0,
      'kind=route,route=/search,from=half-open,to=open': 0,
    });
  });

  it('drops a removed instance’s series', async () => {
    registerBreakerMetrics(breakers, metrics);
    breakers.forInstance('orders', 'i-1');
    breakers.forInstance('orders', 'i-2');

    breakers.remove('instance:orders/i-1');

    expect(Object.keys(await values(metrics, BREAKER_METRIC.state))).toEqual([
      'kind=instance,service=orders,instance=i-2',
    ]);
    expect(Object.keys(await values(metrics, BREAKER_METRIC.calls))).not.toContainEqual(
      expect.stringContaining('instance=i-1'),
    );
  });

  it('counts slow calls once each, whether found running or when they finished', async () => {
    registerBreakerMetrics(breakers, metrics);
    const breaker = breakers.forInstance('orders', 'i-1', {
      callTimeoutMs: 0,
      volumeThreshold: 10,
      slowCallDurationMs: 100,
    });
    expect(await values(metrics, BREAKER_METRIC.slowCalls)).toEqual({
      'kind=instance,service=orders,instance=i-1': 0,
    });
    const late = breaker.execute(() => new Promise((resolve) => setTimeout(resolve, 250)));
    await jest.advanceTimersByTimeAsync(150);
    expect(breaker.stats().slowCalls).toBe(1); // found running
    await jest.advanceTimersByTimeAsync(100);
    await late;
    const slow = breaker.execute(() => new Promise((resolve) => setTimeout(resolve, 300)));
    await jest.advanceTimersByTimeAsync(300);
    await slow;

    expect(await values(metrics, BREAKER_METRIC.slowCalls)).toEqual({
      'kind=instance,service=orders,instance=i-1': 2,
    });
    expect(
      (await values(metrics, BREAKER_METRIC.calls))[
        'kind=instance,service=orders,instance=i-1,outcome=success'
      ],
    ).toBe(2);
  });

  it('stops updating once unsubscribed, and never touches the global registry', async () => {
    const stop = registerBreakerMetrics(breakers, metrics);
    stop();
    breakers.forInstance('orders', 'i-1');

    expect(await values(metrics, BREAKER_METRIC.state)).toEqual({});
    expect(globalRegistry.getSingleMetric(BREAKER_METRIC.state)).toBeUndefined();
  });

  it('drops a removed instance’s slow-call series', async () => {
    registerBreakerMetrics(breakers, metrics);
    breakers.forInstance('orders', 'i-1');
    breakers.forInstance('orders', 'i-2');

    breakers.remove('instance:orders/i-1');

    expect(Object.keys(await values(metrics, BREAKER_METRIC.slowCalls))).toEqual([
      'kind=instance,service=orders,instance=i-2',
    ]);
  });
});
