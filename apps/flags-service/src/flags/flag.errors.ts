import { PlatformError } from '@platform/service-kit';

export class FlagNotFoundError extends PlatformError {
  readonly code = 'flag_not_found';
  readonly kind = 'not_found';

  constructor(key: string) {
    super(`no flag has key ${key}`);
  }
}

export class SegmentNotFoundError extends PlatformError {
  readonly code = 'segment_not_found';
  readonly kind = 'not_found';

  constructor(key: string) {
    super(`no segment has key ${key}`);
  }
}

/**
 * The database did not answer an evaluation in time (or failed), and this instance holds no compiled
 * copy of the flag to answer from: 503, try again shortly.
 */
export class FlagsUnavailableError extends PlatformError {
  readonly code = 'flags_unavailable';
  readonly kind = 'unavailable';

  constructor(key: string, cause: unknown) {
    super(
      `flag ${key} cannot be evaluated now: the flags database did not answer, and this instance does not hold it`,
      {
        cause,
        retryAfterSeconds: 1,
      },
    );
  }
}

/** A segment that flags still refer to cannot be deleted: they would fail closed for everyone. */
export class SegmentInUseError extends PlatformError {
  readonly code = 'segment_in_use';
  readonly kind = 'conflict';

  constructor(key: string, flags: readonly string[]) {
    super(`segment ${key} is used by ${flags.join(', ')}; remove it from their rules first`);
  }
}

/** The key in the body differs from the key in the URL. */
export class KeyMismatchError extends PlatformError {
  readonly code = 'key_mismatch';
  readonly kind = 'invalid';

  constructor(what: string, inUrl: string, inBody: unknown) {
    super(
      `the body's key ${JSON.stringify(inBody)} is not the ${what} key ${inUrl} of the URL; leave it out or make them equal`,
    );
  }
}
