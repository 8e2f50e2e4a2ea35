import type { IncomingHttpHeaders } from 'node:http';

/**
 * Who failed, when a service answers 5xx. `dependency`: the service itself is fine, but something it
 * needs is not (a shard's PostgreSQL server, another service). A caller that balances over
 * instances must not eject this one for it, retry on another one, or open its breaker: every other
 * instance shares the dependency and would answer the same. Envoy draws the same line between
 * `consecutive_5xx` and `consecutive_gateway_failure` in its outlier detection.
 *
 * Absent (or any other value): the instance's own failure, which counts against it as before.
 */
export const FAILURE_ORIGIN_HEADER = 'x-failure-origin';

export type FailureOrigin = 'dependency';

export const DEPENDENCY_ORIGIN: FailureOrigin = 'dependency';

/** True when an answer says a dependency failed, not the instance that sent it. */
export function isDependencyFailure(
  headers: IncomingHttpHeaders | Readonly<Record<string, unknown>>,
): boolean {
  const value = headers[FAILURE_ORIGIN_HEADER];
  return (Array.isArray(value) ? value[0] : value) === DEPENDENCY_ORIGIN;
}

/**
 * True when a response should count against the instance that sent it (breakers, outlier ejection,
 * load-aware picking, retries): a 5xx that does not name a dependency as its origin.
 */
export function countsAgainstUpstream(response: {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
}): boolean {
  return response.statusCode >= 500 && !isDependencyFailure(response.headers);
}
