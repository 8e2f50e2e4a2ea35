/**
 * Errors callers of a breaker see. They have the platform's error shape (`code`, `kind`, and
 * `retryAfterSeconds` where waiting helps), which the service kit's exception filter turns into an
 * HTTP response, without this package depending on any framework.
 */
import type { SettingsProblem } from './breaker-settings.js';

/**
 * The breaker is open (or half-open with every probe slot taken): the call was not attempted.
 * Made without a stack trace, like Resilience4j's CallNotPermittedException: it is always thrown
 * from the same place, and capturing a stack would be about half the cost of refusing a call.
 */
export class CircuitOpenError extends Error {
  readonly code = 'circuit_open';
  readonly kind = 'unavailable';
  constructor(
    readonly breaker: string,
    readonly state: 'open' | 'half-open',
    /** Whole seconds until the breaker lets calls through again (at least 1). */
    readonly retryAfterSeconds: number,
  ) {
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(
      state === 'open'
        ? `circuit breaker ${breaker} is open; calls are refused for another ${retryAfterSeconds} s`
        : `circuit breaker ${breaker} is half-open and all its probe calls are in flight; try again in ${retryAfterSeconds} s`,
    );
    Error.stackTraceLimit = stackTraceLimit;
    this.name = 'CircuitOpenError';
  }
}

/** The call took longer than the breaker's `callTimeoutMs`; its AbortSignal was fired. */
export class CallTimeoutError extends Error {
  readonly code = 'call_timeout';
  readonly kind = 'timeout';
  constructor(
    readonly breaker: string,
    readonly timeoutMs: number,
  ) {
    super(`call through circuit breaker ${breaker} did not finish within ${timeoutMs} ms and was aborted`);
    this.name = 'CallTimeoutError';
  }
}

/** The breaker was shut down (e.g. its instance left the registry); it runs no more calls. */
export class BreakerShutdownError extends Error {
  readonly code = 'breaker_shutdown';
  readonly kind = 'unavailable';
  readonly retryAfterSeconds = 1;
  constructor(readonly breaker: string) {
    super(`circuit breaker ${breaker} has been shut down`);
    this.name = 'BreakerShutdownError';
  }
}

/** Settings given to a breaker were refused; `details` holds one problem per field. */
export class InvalidBreakerSettingsError extends Error {
  readonly code = 'invalid_breaker_settings';
  readonly kind = 'invalid';
  constructor(readonly details: readonly SettingsProblem[]) {
    super(
      `invalid breaker settings: ${details.map((p) => (p.field ? `${p.field} ${p.problem}` : p.problem)).join('; ')}`,
    );
    this.name = 'InvalidBreakerSettingsError';
  }
}

export function isCircuitOpenError(error: unknown): error is CircuitOpenError {
  return error instanceof CircuitOpenError;
}

export function isCallTimeoutError(error: unknown): error is CallTimeoutError {
  return error instanceof CallTimeoutError;
}

export function isBreakerShutdownError(error: unknown): error is BreakerShutdownError {
  return error instanceof BreakerShutdownError;
}

export function isInvalidBreakerSettingsError(error: unknown): error is InvalidBreakerSettingsError {
  return error instanceof InvalidBreakerSettingsError;
}
