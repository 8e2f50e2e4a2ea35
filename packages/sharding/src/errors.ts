/**
 * Errors callers of a router see. They have the platform's error shape (`code`, `kind`), which the
 * service kit's exception filter turns into an HTTP response, without this package depending on any
 * framework.
 */

/** A range router was asked for a key that no configured range covers. */
export class KeyOutOfRangeError extends Error {
  readonly code = 'key_out_of_range';
  readonly kind = 'invalid';
  constructor(
    readonly key: bigint,
    /** The ranges the router knows, as `[from, to)` text, for the message and logs. */
    readonly covered: string,
  ) {
    super(`key ${key} is outside every shard range (covered: ${covered}); add or extend a range to hold it`);
    this.name = 'KeyOutOfRangeError';
  }
}

/** Range configuration that overlaps or (when gaps are not allowed) leaves a hole. */
export class InvalidShardRangesError extends Error {
  readonly code = 'invalid_shard_ranges';
  readonly kind = 'invalid';
  constructor(readonly problems: readonly string[]) {
    super(`invalid shard ranges: ${problems.join('; ')}`);
    this.name = 'InvalidShardRangesError';
  }
}

/** A shard map that does not assign every logical shard exactly once to a known physical shard. */
export class InvalidShardMapError extends Error {
  readonly code = 'invalid_shard_map';
  readonly kind = 'invalid';
  constructor(
    readonly version: number,
    readonly problems: readonly string[],
  ) {
    super(`invalid shard map version ${version}: ${problems.join('; ')}`);
    this.name = 'InvalidShardMapError';
  }
}

/** The directory has no entry for the key: it was never assigned, or its row is gone. */
export class KeyNotInDirectoryError extends Error {
  readonly code = 'key_not_in_directory';
  readonly kind = 'not_found';
  constructor(readonly key: string) {
    super(`no shard is assigned to key ${key} in the directory; assign one before reading or writing it`);
    this.name = 'KeyNotInDirectoryError';
  }
}

/** A directory or shard map named a physical shard this router was not configured with. */
export class UnknownShardError extends Error {
  readonly code = 'unknown_shard';
  readonly kind = 'invalid';
  constructor(
    readonly shard: string,
    readonly known: readonly string[],
  ) {
    super(`unknown shard "${shard}"; this router knows: ${known.join(', ')}`);
    this.name = 'UnknownShardError';
  }
}

/** A key the logical-shard router cannot place, e.g. an id whose embedded logical shard is too big. */
export class InvalidShardKeyError extends Error {
  readonly code = 'invalid_shard_key';
  readonly kind = 'invalid';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`cannot route key ${key}: ${reason}`);
    this.name = 'InvalidShardKeyError';
  }
}

export function isKeyOutOfRangeError(error: unknown): error is KeyOutOfRangeError {
  return error instanceof KeyOutOfRangeError;
}

export function isInvalidShardRangesError(error: unknown): error is InvalidShardRangesError {
  return error instanceof InvalidShardRangesError;
}

export function isInvalidShardMapError(error: unknown): error is InvalidShardMapError {
  return error instanceof InvalidShardMapError;
}

export function isKeyNotInDirectoryError(error: unknown): error is KeyNotInDirectoryError {
  return error instanceof KeyNotInDirectoryError;
}

export function isUnknownShardError(error: unknown): error is UnknownShardError {
  return error instanceof UnknownShardError;
}

export function isInvalidShardKeyError(error: unknown): error is InvalidShardKeyError {
  return error instanceof InvalidShardKeyError;
}
