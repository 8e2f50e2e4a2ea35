/** What the breaker specs share: calls that succeed, fail or hang, and a readable event log. */
import type { BreakerState, FailureReason } from '../breaker-events.js';
import type { CircuitBreaker } from '../circuit-breaker.js';

export const ok = () => Promise.resolve('ok');
export const boom = () => Promise.reject(new Error('connection refused'));
/** A call to a frozen server: it neither fails nor finishes. */
export const hang = () => new Promise<never>(() => undefined);

/** Runs `count` calls one after another, swallowing their errors. */
export async function run(
  target: CircuitBreaker,
  count: number,
  work: () => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < count; i++) await target.execute(work).catch(() => undefined);
}

export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Everything a breaker emits, as readable lines. */
export function record(target: CircuitBreaker): string[] {
  const log: string[] = [];
  target.on('stateChange', (from: BreakerState, to: BreakerState) => log.push(`${from} -> ${to}`));
  target.on('success', () => log.push('success'));
  target.on('failure', (_latency: number, reason: FailureReason) => log.push(`failure:${reason}`));
  target.on('reject', () => log.push('reject'));
  target.on('slowCall', (elapsedMs: number, stillRunning: boolean) =>
    log.push(`slow:${elapsedMs}${stillRunning ? ':running' : ''}`),
  );
  return log;
}
