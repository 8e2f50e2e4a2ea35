/**
 * Errors of loading a definition for evaluation. They have the platform's error shape (`code`, `kind`,
 * `details`), which the service kit's exception filter turns into an HTTP response (a 400 listing each
 * problem), without this package depending on any framework. Evaluating never throws.
 */
import type { FieldProblem } from './internal/problems.js';

function describe(problems: readonly FieldProblem[]): string {
  return problems.map((p) => (p.field ? `${p.field} ${p.problem}` : p.problem)).join('; ');
}

/** A flag definition that {@link validateFlag} refuses was given to `compileFlag` or `evaluate`. */
export class InvalidFlagError extends Error {
  readonly code = 'invalid_flag';
  readonly kind = 'invalid';
  constructor(
    /** The flag's key, if it had a usable one. */
    readonly flagKey: string | undefined,
    readonly details: readonly FieldProblem[],
  ) {
    super(`invalid flag${flagKey === undefined ? '' : ` ${flagKey}`}: ${describe(details)}`);
    this.name = 'InvalidFlagError';
  }
}

/** A segment a flag refers to is not a valid segment (or is stored under another key). */
export class InvalidSegmentError extends Error {
  readonly code = 'invalid_segment';
  readonly kind = 'invalid';
  constructor(
    readonly segmentKey: string,
    readonly details: readonly FieldProblem[],
  ) {
    super(`invalid segment ${segmentKey}: ${describe(details)}`);
    this.name = 'InvalidSegmentError';
  }
}

export function isInvalidFlagError(error: unknown): error is InvalidFlagError {
  return error instanceof InvalidFlagError;
}

export function isInvalidSegmentError(error: unknown): error is InvalidSegmentError {
  return error instanceof InvalidSegmentError;
}
