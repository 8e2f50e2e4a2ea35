import { DEPENDENCY_ORIGIN } from '@platform/observability';

/**
 * Errors callers of a service see. They have the platform's error shape (`code`, `kind`), which
 * the service kit's exception filter turns into a JSON response, without this package depending
 * on any framework. Each says that a service this one calls is missing, so each names a dependency
 * as its `origin`: a service that answers 5xx because it cannot reach another is itself fine, and
 * its callers must not eject it for that (docs/failover.md, "Whose fault").
 */
export class NoInstancesError extends Error {
  readonly code = 'no_instances';
  readonly kind = 'unavailable';
  readonly retryAfterSeconds = 1;
  readonly origin = DEPENDENCY_ORIGIN;
  constructor(
    readonly service: string,
    /** The version a release pins the request to, if any. */
    readonly version?: string,
  ) {
    super(
      `no live instance of ${service}${version === undefined ? '' : ` at version ${version}`} is in the registry`,
    );
    this.name = 'NoInstancesError';
  }
}

export class UpstreamUnreachableError extends Error {
  readonly code = 'upstream_unreachable';
  readonly kind = 'bad_gateway';
  readonly origin = DEPENDENCY_ORIGIN;
  constructor(
    readonly service: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(
      `could not reach ${service} (${attempts} instance${attempts === 1 ? '' : 's'} tried): ${describe(cause)}`,
      {
        cause,
      },
    );
    this.name = 'UpstreamUnreachableError';
  }
}

export class UpstreamTimeoutError extends Error {
  readonly code = 'upstream_timeout';
  readonly kind = 'timeout';
  readonly origin = DEPENDENCY_ORIGIN;
  constructor(
    readonly service: string,
    readonly timeoutMs: number,
    cause: unknown,
  ) {
    super(`${service} did not answer within ${timeoutMs} ms`, { cause });
    this.name = 'UpstreamTimeoutError';
  }
}

export function isNoInstancesError(error: unknown): error is NoInstancesError {
  return error instanceof NoInstancesError;
}

function describe(error: unknown): string {
  const code = (error as { code?: string } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code} ${message}` : message;
}
