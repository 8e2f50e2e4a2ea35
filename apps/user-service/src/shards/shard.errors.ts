import { PlatformError } from '@platform/service-kit';

/** A shard database cannot be reached (its breaker is open, or the call failed to connect). */
export class ShardUnavailableError extends PlatformError {
  readonly code = 'shard_unavailable';
  readonly kind = 'unavailable';
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
  override readonly retryAfterSeconds = 1;

  constructor(detail: string) {
    super(`the user catalog is unavailable: ${detail}`);
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

/** SQLSTATE classes that mean the database itself is unreachable or going away, not a bad query. */
export function isConnectionFailure(error: unknown): boolean {
  if (error instanceof StaleRouteError || error instanceof FencedError || error instanceof PlatformError)
    return false;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true; // ECONNREFUSED, timeouts, resets
  return code.startsWith('08') || code.startsWith('57P') || code === '53300';
}
