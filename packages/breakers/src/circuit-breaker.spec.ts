import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

import { type BreakerSettings } from './breaker-settings.js';
import { type BreakerState, CircuitBreaker, type FailureReason } from './circuit-breaker.js';
import {
  BreakerShutdownError,
  CallTimeoutError,
  CircuitOpenError,
  InvalidBreakerSettingsError,
  isCallTimeoutError,
  isCircuitOpenError,
} from './errors.js';

const SETTINGS: Partial<BreakerSettings> = {
  errorThresholdPercentage: 50,
  volumeThreshold: 10,
  rollingWindowMs: 10_000,
  rollingBuckets: 10,
  resetTimeoutMs: 30_000,
  callTimeoutMs: 1_000,
  halfOpenMaxProbes: 3,
};

/**
 * A closed breaker runs a call with a timeout through opossum, and one without (every shard query,
 * most proxied requests) on its own fast path: the window and trip rule must not differ.
 */
const CALL_TIMEOUTS = [1_000, 0];

interface Response {
  readonly status: number;
}
const is5xx = (response: Response) => response.status >= 500;

const ok = () => Promise.resolve('ok');
const boom = () => Promise.reject(new Error('connection refused'));

function breaker(settings: Partial<BreakerSettings> = {}, isFailureError?: (error: unknown) => boolean) {
  return new CircuitBreaker({ name: 'orders/i-1', settings: { ...SETTINGS, ...settings }, isFailureError });
}

/** Runs `count` calls one after another, swallowing their errors. */
async function run(target: CircuitBreaker, count: number, work: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < count; i++) await target.execute(work).catch(() => undefined);
}

async function trip(target: CircuitBreaker): Promise<void> {
  await run(target, target.settings.volumeThreshold, boom);
  expect(target.state).toBe('open');
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Everything a breaker emits, as readable lines. */
function record(target: CircuitBreaker): string[] {
  const log: string[] = [];
  target.on('stateChange', (from: BreakerState, to: BreakerState) => log.push(`${from} -> ${to}`));
  target.on('success', () => log.push('success'));
  target.on('failure', (_latency: number, reason: FailureReason) => log.push(`failure:${reason}`));
  target.on('reject', () => log.push('reject'));
  return log;
}

describe(CircuitBreaker.name, () => {
  let breakers: CircuitBreaker[] = [];
  const make = (...args: Parameters<typeof breaker>) => {
    const made = breaker(...args);
    breakers.push(made);
    return made;
  };

  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    for (const made of breakers) made.shutdown();
    breakers = [];
    jest.useRealTimers();
  });

  it.each(CALL_TIMEOUTS)(
    'stays closed while the window holds fewer calls than the volume threshold, however many fail (callTimeoutMs %i)',
    async (callTimeoutMs) => {
      const target = make({ callTimeoutMs });
      await run(target, 9, boom);
      expect(target.state).toBe('closed');
      expect(target.stats()).toMatchObject({ calls: 9, failures: 9, errorPercentage: 100 });

      await run(target, 1, boom);
      expect(target.state).toBe('open');
    },
  );

  it.each(CALL_TIMEOUTS)(
    'opens only once the error percentage is above the threshold (callTimeoutMs %i)',
    async (callTimeoutMs) => {
      const target = make({ callTimeoutMs });
      await run(target, 5, ok);
      await run(target, 5, boom);
      expect(target.stats()).toMatchObject({ calls: 10, failures: 5, errorPercentage: 50 });
      expect(target.state).toBe('closed');

      await run(target, 1, boom);
      expect(target.state).toBe('open');
    },
  );

  it.each(CALL_TIMEOUTS)(
    'forgets failures that slid out of the rolling window (callTimeoutMs %i)',
    async (callTimeoutMs) => {
      const target = make({ callTimeoutMs });
      await run(target, 9, boom);
      await jest.advanceTimersByTimeAsync(10_000);
      await run(target, 1, boom);
      expect(target.stats()).toMatchObject({ calls: 1, failures: 1 });
      expect(target.state).toBe('closed');
    },
  );

  it('while open, rejects at once with CircuitOpenError and never runs the work', async () => {
    const target = make();
    await trip(target);
    await jest.advanceTimersByTimeAsync(12_500);
    const work = jest.fn(ok);

    const error = await target.execute(work).catch((e: unknown) => e);

    expect(work).not.toHaveBeenCalled();
    expect(isCircuitOpenError(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'circuit_open',
      kind: 'unavailable',
      state: 'open',
      breaker: 'orders/i-1',
      retryAfterSeconds: 18, // 17.5 s left until half-open, rounded up
    });
    expect((error as Error).message).toBe(
      'circuit breaker orders/i-1 is open; calls are refused for another 18 s',
    );
    // No stack trace: it is always thrown from the same place, and capturing one is costly.
    expect((error as Error).stack).toBe(`CircuitOpenError: ${(error as Error).message}`);
    expect(target.stats().rejections).toBe(1);
  });

  it('after resetTimeoutMs goes half-open and lets exactly halfOpenMaxProbes calls through at once', async () => {
    const target = make({ halfOpenMaxProbes: 3 });
    await trip(target);
    await jest.advanceTimersByTimeAsync(30_000);
    expect(target.state).toBe('half-open');

    const pending = deferred<string>();
    let reached = 0;
    const calls = Array.from({ length: 10 }, () =>
      target.execute(() => {
        reached++;
        return pending.promise;
      }),
    );
    const outcomes = Promise.allSettled(calls);
    await jest.advanceTimersByTimeAsync(0);
    expect(reached).toBe(3);

    pending.resolve('recovered');
    const settled = await outcomes;
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(3);
    const refused = settled.filter((s) => s.status === 'rejected').map((s) => s.reason as unknown);
    expect(refused).toHaveLength(7);
    for (const reason of refused) {
      expect(reason).toBeInstanceOf(CircuitOpenError);
      expect(reason).toMatchObject({ state: 'half-open', retryAfterSeconds: 1 });
    }
    expect(target.state).toBe('closed');
  });

  it('re-opens when a probe times out', async () => {
    const target = make({ callTimeoutMs: 1_000 });
    await trip(target);
    await jest.advanceTimersByTimeAsync(30_000);
    let aborted = false;

    const probe = target
      .execute((signal) => {
        signal.addEventListener('abort', () => (aborted = true));
        return new Promise<never>(() => undefined);
      })
      .catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(1_000);

    expect(await probe).toBeInstanceOf(CallTimeoutError);
    expect(aborted).toBe(true);
    expect(target.state).toBe('open');
  });

  it('closes when a probe succeeds, with a fresh window', async () => {
    const target = make();
    await trip(target);
    await jest.advanceTimersByTimeAsync(30_000);

    await expect(target.execute(ok)).resolves.toBe('ok');

    expect(target.state).toBe('closed');
    expect(target.stats()).toMatchObject({ calls: 1, successes: 1, failures: 0 });
    await run(target, 1, boom);
    expect(target.state).toBe('closed');
  });

  it('re-opens when a probe fails, and waits the whole reset timeout again', async () => {
    const target = make();
    await trip(target);
    await jest.advanceTimersByTimeAsync(30_000);

    await expect(target.execute(boom)).rejects.toThrow('connection refused');

    expect(target.state).toBe('open');
    await jest.advanceTimersByTimeAsync(29_999);
    expect(target.state).toBe('open');
    await jest.advanceTimersByTimeAsync(1);
    expect(target.state).toBe('half-open');
  });

  it('lets only probes decide: a call started before it opened does not close it', async () => {
    const target = make({ callTimeoutMs: 0 });
    const slow = deferred<string>();
    const stale = target.execute(() => slow.promise);
    await trip(target);
    await jest.advanceTimersByTimeAsync(30_000);
    expect(target.state).toBe('half-open');

    slow.resolve('late');
    await expect(stale).resolves.toBe('late');

    expect(target.state).toBe('half-open');
  });

  it.each(CALL_TIMEOUTS)(
    'counts work that throws before returning a promise as a failure (callTimeoutMs %i)',
    async (callTimeoutMs) => {
      const target = make({ callTimeoutMs });
      const throwsAtOnce = (): Promise<string> => {
        throw new Error('bad connection string');
      };
      await expect(target.execute(throwsAtOnce)).rejects.toThrow('bad connection string');
      expect(target.stats()).toMatchObject({ calls: 1, failures: 1 });
    },
  );

  it('does not count a call that failed after the breaker opened as a rejection', async () => {
    const target = make({ callTimeoutMs: 0 });
    const late = deferred<string>();
    const stale = target.execute(() => late.promise);
    await trip(target);

    late.reject(new Error('connection reset'));
    await expect(stale).rejects.toThrow('connection reset');

    expect(target.state).toBe('open');
    expect(target.stats()).toMatchObject({ failures: 10, rejections: 0 });
  });

  it('aborts a call slower than callTimeoutMs through its signal and counts a timeout', async () => {
    const target = make({ callTimeoutMs: 1_000 });
    const log = record(target);
    let signal: AbortSignal | undefined;
    const call = target.execute(
      (s) =>
        new Promise<string>((_resolve, reject) => {
          signal = s;
          s.addEventListener('abort', () => reject(new Error('aborted by caller')));
        }),
    );
    const outcome = call.catch((e: unknown) => e);

    await jest.advanceTimersByTimeAsync(999);
    expect(signal?.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);

    const error = await outcome;
    expect(isCallTimeoutError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'call_timeout', kind: 'timeout', timeoutMs: 1_000 });
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(error);
    expect(target.stats()).toMatchObject({ calls: 1, failures: 1, timeouts: 1 });
    expect(log).toEqual(['failure:timeout']);
  });

  it('counts a result judged a failure without throwing it', async () => {
    const target = make();
    const log = record(target);

    const response = await target.execute(() => Promise.resolve({ status: 503 }), is5xx);

    expect(response).toEqual({ status: 503 });
    expect(target.stats()).toMatchObject({ calls: 1, failures: 1, successes: 0 });
    expect(log).toEqual(['failure:result']);
    await run(target, 9, () => target.execute(() => Promise.resolve({ status: 503 }), is5xx));
    expect(target.state).toBe('open');
  });

  it('does not open on 4xx-like results that are not failures', async () => {
    const target = make();
    for (let i = 0; i < 20; i++) {
      await expect(target.execute(() => Promise.resolve({ status: 404 }), is5xx)).resolves.toEqual({
        status: 404,
      });
    }
    expect(target.state).toBe('closed');
    expect(target.stats()).toMatchObject({ calls: 20, successes: 20, failures: 0 });
  });

  it.each(CALL_TIMEOUTS)(
    'rethrows errors that isFailureError excuses without counting them (callTimeoutMs %i)',
    async (callTimeoutMs) => {
      class NotFound extends Error {}
      const target = make({ callTimeoutMs }, (error) => !(error instanceof NotFound));
      for (let i = 0; i < 20; i++) {
        await expect(target.execute(() => Promise.reject(new NotFound('no such order')))).rejects.toThrow(
          'no such order',
        );
      }
      expect(target.state).toBe('closed');
      expect(target.stats()).toMatchObject({ failures: 0, successes: 20 });
    },
  );

  it('refuses invalid settings in updateSettings and keeps the old ones', () => {
    const target = make();
    const attempt = () => target.updateSettings({ errorThresholdPercentage: 150, callTimeoutMs: -1 });

    expect(attempt).toThrow(InvalidBreakerSettingsError);
    expect(attempt).toThrow(/errorThresholdPercentage must be between 1% and 100%, got 150%/);
    expect(target.settings.errorThresholdPercentage).toBe(50);
  });

  it.each(CALL_TIMEOUTS)(
    'applies new settings at runtime, keeping the window counts (callTimeoutMs %i)',
    async (callTimeoutMs) => {
      const target = make({ callTimeoutMs });
      await run(target, 4, boom);
      expect(target.updateSettings({ volumeThreshold: 5 })).toMatchObject({
        volumeThreshold: 5,
        callTimeoutMs,
      });
      expect(target.stats()).toMatchObject({ calls: 4, failures: 4 });
      expect(target.state).toBe('closed');

      await run(target, 1, boom);
      expect(target.state).toBe('open');
    },
  );

  it('keeps an open breaker open across an update, timing half-open from when it opened', async () => {
    const target = make();
    await trip(target);
    await jest.advanceTimersByTimeAsync(10_000);

    target.updateSettings({ resetTimeoutMs: 15_000 });
    expect(target.state).toBe('open');
    await jest.advanceTimersByTimeAsync(4_999);
    expect(target.state).toBe('open');
    await jest.advanceTimersByTimeAsync(1);
    expect(target.state).toBe('half-open');
  });

  it('keeps half-open and its probes across an update, admitting by the new probe limit', async () => {
    const target = make({ halfOpenMaxProbes: 1 });
    await trip(target);
    await jest.advanceTimersByTimeAsync(30_000);
    const first = deferred<string>();
    const probe = target.execute(() => first.promise);
    await expect(target.execute(ok)).rejects.toBeInstanceOf(CircuitOpenError);

    target.updateSettings({ halfOpenMaxProbes: 2 });
    const second = target.execute(() => new Promise<string>(() => undefined)).catch(() => undefined);
    await expect(target.execute(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(target.state).toBe('half-open');

    first.resolve('up again');
    await expect(probe).resolves.toBe('up again');
    expect(target.state).toBe('closed');
    await jest.advanceTimersByTimeAsync(1_000);
    await second;
  });

  it.each(CALL_TIMEOUTS)(
    'emits events in the order things happen (callTimeoutMs %i)',
    async (callTimeoutMs) => {
      const target = make({ volumeThreshold: 2, callTimeoutMs });
      const log = record(target);

      await run(target, 1, ok);
      await run(target, 2, boom);
      await run(target, 1, ok);
      await jest.advanceTimersByTimeAsync(30_000);
      await run(target, 1, ok);

      expect(log).toEqual([
        'success',
        'failure:error',
        'failure:error',
        'closed -> open',
        'reject',
        'open -> half-open',
        'success',
        'half-open -> closed',
      ]);
    },
  );

  it.each(CALL_TIMEOUTS)(
    'reports latency measured around the work (callTimeoutMs %i)',
    async (callTimeoutMs) => {
      const target = make({ callTimeoutMs });
      const latencies: number[] = [];
      target.on('success', (latencyMs: number) => latencies.push(latencyMs));
      const call = target.execute(
        () => new Promise<string>((resolve) => setTimeout(() => resolve('ok'), 250)),
      );
      await jest.advanceTimersByTimeAsync(250);
      await call;
      expect(latencies).toEqual([250]);
    },
  );

  it.each(CALL_TIMEOUTS)('keeps working when a listener throws (callTimeoutMs %i)', async (callTimeoutMs) => {
    const target = make({ volumeThreshold: 1, callTimeoutMs });
    const warnings = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    target.on('failure', () => {
      throw new Error('listener bug');
    });
    await run(target, 1, boom);
    expect(target.state).toBe('open');
    expect(warnings).toHaveBeenCalledTimes(1);
    warnings.mockRestore();
  });

  describe('closedPermit', () => {
    /** One call reported on a permit, as a callback-style caller would. */
    const viaPermit = async (target: CircuitBreaker, error?: Error) => {
      const permit = target.closedPermit();
      if (!permit) throw new Error('no permit while closed');
      if (error) await permit.failed(error).catch(() => undefined);
      else permit.succeeded();
    };

    it('counts what its calls report in the same window, and trips by the same rule, as execute()', async () => {
      const target = make({ callTimeoutMs: 0 });
      const log = record(target);
      for (let i = 0; i < 5; i++) await viaPermit(target);
      for (let i = 0; i < 5; i++) await viaPermit(target, new Error('connection refused'));
      expect(target.stats()).toMatchObject({ calls: 10, successes: 5, failures: 5 });
      expect(target.state).toBe('closed');

      await run(target, 1, boom);
      expect(target.state).toBe('open');
      expect(log.filter((line) => line === 'success')).toHaveLength(5);
      expect(log.filter((line) => line === 'failure:error')).toHaveLength(6);
      // Open: no permit, and execute() refuses as before.
      expect(target.closedPermit()).toBeUndefined();
      await expect(target.execute(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    });

    it("rejects with the call's own error, counted as a success when it is not a failure", async () => {
      const notOurs = new Error('duplicate key');
      const target = make({ callTimeoutMs: 0 }, (error) => error !== notOurs);

      await expect(target.closedPermit()!.failed(notOurs)).rejects.toBe(notOurs);
      const refused = new Error('connection refused');
      await expect(target.closedPermit()!.failed(refused)).rejects.toBe(refused);
      expect(target.stats()).toMatchObject({ calls: 2, successes: 1, failures: 1 });
    });

    it('gives no permit where execute() must run the call: a timeout to enforce, half-open, shut down', async () => {
      expect(make({ callTimeoutMs: 1_000 }).closedPermit()).toBeUndefined();

      const target = make({ callTimeoutMs: 0 });
      await trip(target);
      await jest.advanceTimersByTimeAsync(30_000);
      expect(target.state).toBe('half-open');
      expect(target.closedPermit()).toBeUndefined();

      const stopped = make({ callTimeoutMs: 0 });
      stopped.shutdown();
      expect(stopped.closedPermit()).toBeUndefined();
    });
  });

  it('refuses calls after shutdown', async () => {
    const target = make();
    target.shutdown();
    await expect(target.execute(ok)).rejects.toBeInstanceOf(BreakerShutdownError);
  });

  it('names the breaker in a timeout error', () => {
    expect(new CallTimeoutError('orders/i-1', 250).message).toBe(
      'call through circuit breaker orders/i-1 did not finish within 250 ms and was aborted',
    );
  });
});
