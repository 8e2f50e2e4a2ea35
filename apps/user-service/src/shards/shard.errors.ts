import { DEPENDENCY_ORIGIN } from '@platform/observability';
import { isDatabaseUnreachable } from '@platform/postgres';
import { PlatformError } from '@platform/service-kit';

/**
 * A shard database cannot be reached (its server's breaker is open, or the call failed to connect or
 * ran out its deadline). Its origin is a dependency: every instance would answer the same, so the
 * gateway must not eject this one for it.
 */
export class ShardUnavailableError extends PlatformError {
  readonly code = 'shard_unavailable';
  readonly kind = 'unavailable';
  override readonly origin = DEPENDENCY_ORIGIN;
  override readonly retryAfterSeconds: number;

  constructor(
    readonly shard: string,
    detail: string,
    retryAfterSeconds = 1,
  ) {
    super(`shard ${shard} is unavailable: ${detail}; users on other shards are not affected`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The catalog (shard map, email lookup) cannot be reached. */
export class CatalogUnavailableError extends PlatformError {
  readonly code = 'catalog_unavailable';
  readonly kind = 'unavailable';
  override readonly origin = DEPENDENCY_ORIGIN;
  constructor(detail: string, { retryAfterSeconds = 1 } = {}) {
    super(`the user catalog is unavailable: ${detail}`, { retryAfterSeconds });
  }
}

/** The map names a shard this instance has no connection string for. */
export class UnconfiguredShardError extends PlatformError {
  readonly code = 'shard_not_configured';
  readonly kind = 'unavailable';

  constructor(shard: string) {
    super(`shard ${shard} is in the shard map but not in this instance's USER_SHARD_URLS`);
  }
}

/** A logical shard stayed fenced (a move's cutover) for longer than a write may wait. */
export class ShardMovingError extends PlatformError {
  readonly code = 'shard_moving';
  readonly kind = 'unavailable';
  override readonly origin = DEPENDENCY_ORIGIN;
  override readonly retryAfterSeconds = 1;

  constructor(logical: number) {
    super(`logical shard ${logical} is being moved to another database; retry in a moment`);
  }
}

/**
 * Thrown inside a shard transaction when the shard does not own the logical shard at the router's
 * map version: the router refreshes its map and tries again. Never reaches a client.
 */
export class StaleRouteError extends Error {
  constructor(
    readonly shard: string,
    readonly logical: number,
    readonly mapVersion: number,
  ) {
    super(`shard ${shard} does not own logical shard ${logical} at map version ${mapVersion}`);
  }
}

/** Inside a shard transaction: the logical shard is fenced for a cutover; wait and retry. */
export class FencedError extends Error {
  constructor(readonly logical: number) {
    super(`logical shard ${logical} is fenced`);
  }
}

/**
 * The database could not be reached or did not answer within its deadlines (refused, reset, a
 * connect or query timeout, a statement the server cancelled, a server shutting down): what a
 * shard's breaker counts as a failure and callers get as a 503. A bad query, a constraint violation
 * or a refusal of this service's own (a stale route, a fence) is not.
 */
export function isConnectionFailure(error: unknown): boolean {
  if (error instanceof StaleRouteError || error instanceof FencedError || error instanceof PlatformError)
    return false;
  return isDatabaseUnreachable(error);
}
