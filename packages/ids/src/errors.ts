/** The clock went back further than the generator may wait out; issuing now could repeat an id. */
export class ClockMovedBackwardsError extends Error {
  readonly code = 'clock_moved_backwards';
  readonly kind = 'unavailable';
  readonly retryAfterSeconds = 1;
  constructor(readonly driftMs: number) {
    super(
      `the clock is ${driftMs} ms behind the newest id's time (the clock moved back, or the previous ` +
        'holder of this worker id issued ids up to then); refusing to issue ids until it catches up',
    );
    this.name = 'ClockMovedBackwardsError';
  }
}

/** The layout's timestamp field is full: the epoch is too old for this many bits. */
export class TimestampOverflowError extends Error {
  readonly code = 'timestamp_overflow';
  readonly kind = 'internal';
  constructor(readonly elapsedMs: number) {
    super(`${elapsedMs} ms since the epoch no longer fit the layout's timestamp bits`);
    this.name = 'TimestampOverflowError';
  }
}

export function isClockMovedBackwardsError(error: unknown): error is ClockMovedBackwardsError {
  return error instanceof ClockMovedBackwardsError;
}
