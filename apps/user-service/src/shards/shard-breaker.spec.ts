import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

import { CircuitOpenError, type CircuitBreaker } from '@platform/breakers';

import { readConfig } from '../config/config.js';
import { createShardBreaker } from './shard-breaker.js';

/** A call to a frozen server: sent, and never answered. */
const hang = () => new Promise<never>(() => undefined);
const ok = () => Promise.resolve('ok');
const refusedPort = () =>
  Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
const duplicateKey = () => Promise.reject(Object.assign(new Error('duplicate key'), { code: '23505' }));
const swallow = () => undefined;

describe(createShardBreaker.name, () => {
  let breaker: CircuitBreaker;
  let probe: jest.Mock<() => Promise<unknown>>;
  let probeAnswer: { resolve: () => void };

  beforeEach(() => {
    jest.useFakeTimers();
    probe = jest.fn(() => new Promise<void>((resolve) => (probeAnswer = { resolve: () => resolve() })));
    breaker = createShardBreaker({ name: 'shard-server:b', slowCallMs: 250, probe });
  });

  afterEach(() => {
    breaker.shutdown();
    jest.useRealTimers();
  });

  /** Three requests to a server that froze under them, and 251 ms later a fourth. */
  async function freezeUnderThreeCalls(): Promise<unknown> {
    for (let i = 0; i < 3; i++) breaker.execute(hang).catch(swallow);
    await jest.advanceTimersByTimeAsync(251);
    const work = jest.fn(ok);
    const outcome = await breaker.execute(work).catch((error: unknown) => error);
    expect(work).not.toHaveBeenCalled();
    return outcome;
  }

  it('opens once three calls hang past the slow-call duration, before any of them ends', async () => {
    expect(await freezeUnderThreeCalls()).toBeInstanceOf(CircuitOpenError);
    expect(breaker.state).toBe('open');
  });

  it('stays closed with two hung calls: fewer than the 3 it needs to judge', async () => {
    for (let i = 0; i < 2; i++) breaker.execute(hang).catch(swallow);
    await jest.advanceTimersByTimeAsync(251);

    // The third call is let through; it answers, so 2 slow of 3 opens it only now, after the call.
    await expect(breaker.execute(ok)).resolves.toBe('ok');
    expect(breaker.state).toBe('open');
  });

  it('stays closed while fewer than half of the last 8 calls are slow', async () => {
    for (let i = 0; i < 5; i++) await breaker.execute(ok);
    for (let i = 0; i < 3; i++) breaker.execute(hang).catch(swallow);
    await jest.advanceTimersByTimeAsync(251);

    await expect(breaker.execute(ok)).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
  });

  it('counts a refused connection as a failure, and a bad statement not at all', async () => {
    for (let i = 0; i < 8; i++) await breaker.execute(duplicateKey).catch(swallow);
    expect(breaker.state).toBe('closed');

    for (let i = 0; i < 5; i++) await breaker.execute(refusedPort).catch(swallow);
    expect(breaker.state).toBe('open');
  });

  it('probes alone 3 s after opening: other calls are refused while the probe runs, its answer closes it', async () => {
    await freezeUnderThreeCalls();
    await jest.advanceTimersByTimeAsync(2_999);
    expect(probe).not.toHaveBeenCalled();

    await jest.advanceTimersByTimeAsync(1);
    expect(probe).toHaveBeenCalledTimes(1);
    await expect(breaker.execute(ok)).rejects.toMatchObject({ state: 'half-open' });

    probeAnswer.resolve();
    await jest.advanceTimersByTimeAsync(0);
    expect(breaker.state).toBe('closed');
    await expect(breaker.execute(ok)).resolves.toBe('ok');
  });

  it('opens again for another 3 s when the probe hangs past the slow-call duration too', async () => {
    await freezeUnderThreeCalls();
    await jest.advanceTimersByTimeAsync(3_000);
    expect(breaker.state).toBe('half-open');

    await jest.advanceTimersByTimeAsync(251);
    expect(breaker.state).toBe('open');
    await jest.advanceTimersByTimeAsync(3_000);
    expect(probe).toHaveBeenCalledTimes(2);
  });
});

describe('USER_SHARD_SLOW_CALL_MS', () => {
  const env = {
    USER_CATALOG_URL: 'postgres://app:secret@db/users_catalog',
    USER_SHARD_URLS: 'postgres://app:secret@db/users_0',
    KAFKA_BROKERS: '127.0.0.1:9092',
  };

  it('defaults to 1000 ms and refuses a duration no call reaches before the 2 s statement deadline', () => {
    expect(readConfig(env).USER_SHARD_SLOW_CALL_MS).toBe(1_000);
    expect(readConfig({ ...env, USER_SHARD_SLOW_CALL_MS: '250' }).USER_SHARD_SLOW_CALL_MS).toBe(250);
    expect(() => readConfig({ ...env, USER_SHARD_SLOW_CALL_MS: '2000' })).toThrow(/USER_SHARD_SLOW_CALL_MS/);
  });
});
