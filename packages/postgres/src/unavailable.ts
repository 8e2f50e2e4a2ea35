/**
 * Telling "the database cannot answer right now" from every other failure. A service answers the
 * first with 503 `database_unavailable` and `x-failure-origin: dependency` (the instance is fine,
 * the database is not: no caller should eject it or retry on a sibling that shares the database),
 * and keeps a 500 for its own bugs.
 */

/** SQLSTATEs of a server that is going away, refusing work, or too slow to finish it. */
const UNREACHABLE_SQLSTATES: ReadonlySet<string> = new Set([
  '57014', // query_canceled: the statement timeout fired
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, shutting down, in recovery
  '53300', // too_many_connections
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
  '25P03', // idle_in_transaction_session_timeout
]);

/** Socket errors of a host that refuses, resets, or does not answer. */
const UNREACHABLE_SOCKET_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** pg and pg-pool report their own deadlines and lost connections with messages only. */
const UNREACHABLE_MESSAGES: readonly RegExp[] = [
  /^Connection terminated/, // unexpectedly, or due to connection timeout
  /^Query read timeout$/, // the client-side query timeout
  /^timeout expired$/, // the client's connect timeout
  /^timeout exceeded when trying to connect$/, // the pool's checkout timeout, every connection stuck
  /^Client has encountered a connection error and is not queryable$/,
];

/** True when `error` (or what caused it) says PostgreSQL cannot be reached or did not answer in time. */
export function isDatabaseUnreachable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (candidate: unknown): boolean => {
    // Judged by shape, not `instanceof Error`: an error Node's core made (a refused connect) is of
    // another realm's Error wherever code runs in a vm context (jest's ESM modules, for one).
    if (typeof candidate !== 'object' || candidate === null || seen.has(candidate)) return false;
    seen.add(candidate);
    const { code, message, cause, errors } = candidate as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (typeof code === 'string' && (UNREACHABLE_SQLSTATES.has(code) || UNREACHABLE_SOCKET_CODES.has(code))) {
      return true;
    }
    if (typeof message === 'string' && UNREACHABLE_MESSAGES.some((pattern) => pattern.test(message)))
      return true;
    // pg-pool wraps a connect timeout (`cause`); Node's connect to several addresses fails with all of them.
    return visit(cause) || (Array.isArray(errors) && errors.some(visit));
  };
  return visit(error);
}

/**
 * PostgreSQL could not be reached or did not answer within its deadlines. Shaped as a platform
 * error (service-kit's exception filter sends 503, Retry-After and `x-failure-origin: dependency`)
 * without depending on service-kit. The message stays generic: the cause (with hosts and ports) is
 * kept for the logs, not sent to callers.
 */
export class DatabaseUnavailableError extends Error {
  readonly code = 'database_unavailable';
  readonly kind = 'unavailable';
  readonly origin = 'dependency';
  readonly retryAfterSeconds = 1;

  constructor(options?: { cause?: unknown }) {
    super('the database did not answer in time or could not be reached; try again shortly', options);
    this.name = 'DatabaseUnavailableError';
  }
}

export function isDatabaseUnavailableError(error: unknown): error is DatabaseUnavailableError {
  return error instanceof DatabaseUnavailableError;
}

/**
 * For a repository's `catch`: throws a {@link DatabaseUnavailableError} (caused by `error`) when the
 * database was unreachable, and `error` itself, unchanged, otherwise.
 */
export function rethrowUnreachable(error: unknown): never {
  if (isDatabaseUnreachable(error)) throw new DatabaseUnavailableError({ cause: error });
  throw error;
}
