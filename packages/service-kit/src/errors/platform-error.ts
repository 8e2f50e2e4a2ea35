import type { FailureOrigin } from '@platform/observability';

/**
 * What went wrong, in terms a caller can act on. The exception filter maps a kind to an HTTP
 * status in one place, so services never throw HTTP exceptions themselves.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'bad_gateway'
  | 'timeout'
  | 'internal';

export const ERROR_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  'invalid',
  'unauthenticated',
  'not_found',
  'conflict',
  'too_large',
  'rate_limited',
  'unavailable',
  'bad_gateway',
  'timeout',
  'internal',
]);

/**
 * The shape the exception filter recognises. Framework-free packages (discovery, ids, sharding)
 * give their errors this shape without importing anything from here.
 */
export interface PlatformErrorShape extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly details?: unknown;
  readonly retryAfterSeconds?: number;
  /**
   * `dependency` when the failure is in something this service needs (its database, a shard,
   * another service), not in the service itself: sent as `x-failure-origin` so the gateway does not
   * hold it against this instance (docs/failover.md, "Whose fault").
   */
  readonly origin?: FailureOrigin;
}

/** Base of every error a service reports to its callers: a stable `code` and a clear message. */
export abstract class PlatformError extends Error implements PlatformErrorShape {
  abstract readonly code: string;
  abstract readonly kind: ErrorKind;
  /** Structured details (e.g. one entry per invalid field). */
  readonly details?: unknown;
  /** For `unavailable`: when to try again, sent as Retry-After. */
  readonly retryAfterSeconds?: number;
  /** See {@link PlatformErrorShape.origin}. */
  readonly origin?: FailureOrigin;

  constructor(
    message: string,
    options?: { cause?: unknown; details?: unknown; retryAfterSeconds?: number; origin?: FailureOrigin },
  ) {
    super(message, { cause: options?.cause });
    this.name = new.target.name;
    this.details = options?.details;
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.origin = options?.origin;
  }
}

/** True for any error of the platform's shape, whether or not it extends {@link PlatformError}. */
export function isPlatformError(error: unknown): error is PlatformErrorShape {
  return (
    error instanceof Error &&
    typeof (error as Partial<PlatformErrorShape>).code === 'string' &&
    ERROR_KINDS.has((error as Partial<PlatformErrorShape>).kind as ErrorKind)
  );
}

export interface FieldProblem {
  /** Dotted path of the field, e.g. `email` or `items.0.count`. */
  readonly field: string;
  readonly problem: string;
}

/** The request was malformed: wrong types, missing fields, values out of range. */
export class ValidationError extends PlatformError {
  readonly code = 'validation_failed';
  readonly kind = 'invalid';
  declare readonly details: readonly FieldProblem[];

  constructor(problems: readonly FieldProblem[], where = 'request') {
    super(
      `invalid ${where}: ${problems.map((p) => (p.field ? `${p.field} ${p.problem}` : p.problem)).join('; ')}`,
      {
        details: problems,
      },
    );
  }
}

export function isValidationError(error: unknown): error is ValidationError {
  return error instanceof ValidationError;
}

/** The caller did not present the admin token an endpoint requires. */
export class UnauthenticatedError extends PlatformError {
  readonly code = 'unauthenticated';
  readonly kind = 'unauthenticated';
}
