/**
 * The circuit breaker in front of one PostgreSQL server of user-service: a shard server (shared by
 * every shard database on it) or the catalog.
 *
 * The fault it is for is a server that hangs (SIGSTOP, a stalled disk, a full network buffer): TCP
 * connects, queries are sent, and nothing comes back. Such calls never fail quickly, so an error
 * rule alone learns of them only when their deadlines (2.5 s) run out, and meanwhile every request
 * for the server's users waits too. The rule here is Resilience4j's instead: over the **last 8
 * calls**, open when at least **half ran past `USER_SHARD_SLOW_CALL_MS`** (or more than half failed
 * to connect), once at least 3 calls were made. A call still running past that duration counts as
 * slow as soon as the breaker looks, so a few hung calls open it without waiting for them to end.
 * A count window rather than opossum's time window: a server that gets a handful of calls a second
 * fills a 10 s window slowly and an idle one never, while the last 8 calls are always there to judge.
 *
 * Open for 3 s, then the breaker runs one `SELECT 1` as its probe and refuses every other call
 * until it answers: a user request is never the one that finds out the server still hangs.
 */
import { CircuitBreaker, type BreakerSettings } from '@platform/breakers';

import { isConnectionFailure } from './shard.errors.js';

/** The calls judged, the calls needed before it may open, and how long it stays open. */
export const SHARD_BREAKER_WINDOW_CALLS = 8;
export const SHARD_BREAKER_VOLUME = 3;
export const SHARD_BREAKER_RESET_MS = 3_000;

/** The settings of a shard server's breaker, with calls slower than `slowCallMs` counted slow. */
export function shardBreakerSettings(slowCallMs: number): Partial<BreakerSettings> {
  return {
    slidingWindowCalls: SHARD_BREAKER_WINDOW_CALLS,
    volumeThreshold: SHARD_BREAKER_VOLUME,
    errorThresholdPercentage: 50,
    slowCallDurationMs: slowCallMs,
    slowCallRateThreshold: 50,
    resetTimeoutMs: SHARD_BREAKER_RESET_MS,
    // No call timeout: the pools' deadlines end hung calls, and a closed breaker without one costs
    // a counter bump per call (its closedPermit path).
    callTimeoutMs: 0,
    halfOpenMaxProbes: 1,
  };
}

export interface ShardBreakerOptions {
  /** Names the breaker in logs and errors, e.g. `shard-server:10.0.0.2:5432`. */
  readonly name: string;
  readonly slowCallMs: number;
  /** The half-open probe: a cheap statement on the server (`SELECT 1`). */
  readonly probe: () => Promise<unknown>;
}

/**
 * A breaker with {@link shardBreakerSettings} that counts connection failures (not a bad query or a
 * constraint violation), and probes with `probe` itself as soon as it turns half-open.
 */
export function createShardBreaker(options: ShardBreakerOptions): CircuitBreaker {
  const breaker = new CircuitBreaker({
    name: options.name,
    settings: shardBreakerSettings(options.slowCallMs),
    isFailureError: isConnectionFailure,
  });
  breaker.on('stateChange', (_from, to) => {
    // Takes the only probe slot: calls arriving meanwhile are refused at once, not sent to a server
    // that may still hang. Its outcome closes the breaker or opens it for another 3 s.
    if (to === 'half-open') breaker.execute(options.probe).catch(() => undefined);
  });
  return breaker;
}
