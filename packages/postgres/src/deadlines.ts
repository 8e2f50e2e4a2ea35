/**
 * How long a pool (or a single client) waits for PostgreSQL before it gives up. A hung server — the
 * host is there, TCP connects, nothing answers (SIGSTOP, a full disk, a stuck storage volume) — is
 * not a refused port: without these, a query sent to it waits for ever and holds its caller too.
 *
 * Every pool gets all of them by default; a pool overrides the ones it needs shorter or longer.
 */
export interface Deadlines {
  /** Opening a connection (TCP, TLS, startup, authentication). Default 2 s. */
  readonly connectionTimeoutMs?: number;
  /** The server cancels a statement running longer (SQLSTATE 57014). Default 3 s; 0 turns it off. */
  readonly statementTimeoutMs?: number;
  /**
   * The client abandons a query whose answer has not arrived by then: the deadline that still holds
   * when the server is too stuck to run its own statement timeout. Default: statement timeout + 0.5 s.
   * The connection it was sent on is then broken and is destroyed, never reused.
   */
  readonly queryTimeoutMs?: number;
  /**
   * The server ends a session left idle inside a transaction this long, so a caller that hung or
   * lost its network mid-transaction does not hold its locks for ever. Default 60 s.
   */
  readonly idleInTransactionTimeoutMs?: number;
}

export type ResolvedDeadlines = Required<Deadlines>;

export const DEFAULT_DEADLINES = {
  connectionTimeoutMs: 2_000,
  statementTimeoutMs: 3_000,
  idleInTransactionTimeoutMs: 60_000,
} as const;

/** How much later than the server's statement timeout the client gives up on its own. */
export const QUERY_TIMEOUT_MARGIN_MS = 500;

/**
 * For the few queries that may rightly run long (migrations, and an instance waiting for another's
 * migration lock): an hour, which still ends, where "no timeout" would not.
 */
export const UNBOUNDED_QUERY_TIMEOUT_MS = 3_600_000;

/** A ROLLBACK after a failed transaction is given this long; a connection that misses it is destroyed. */
export const ROLLBACK_TIMEOUT_MS = 500;

/** How long a connection sits idle before TCP keepalive probes start asking whether the peer is there. */
export const KEEPALIVE_INITIAL_DELAY_MS = 10_000;

export function resolveDeadlines(deadlines: Deadlines = {}): ResolvedDeadlines {
  const statementTimeoutMs = deadlines.statementTimeoutMs ?? DEFAULT_DEADLINES.statementTimeoutMs;
  const resolved: ResolvedDeadlines = {
    connectionTimeoutMs: deadlines.connectionTimeoutMs ?? DEFAULT_DEADLINES.connectionTimeoutMs,
    statementTimeoutMs,
    queryTimeoutMs:
      deadlines.queryTimeoutMs ?? (statementTimeoutMs > 0 ? statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS : 0),
    idleInTransactionTimeoutMs:
      deadlines.idleInTransactionTimeoutMs ?? DEFAULT_DEADLINES.idleInTransactionTimeoutMs,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value < 0)
      throw new RangeError(`${name} must be an integer ≥ 0, got ${value}`);
  }
  if (resolved.queryTimeoutMs > 0 && resolved.queryTimeoutMs <= resolved.statementTimeoutMs) {
    // The client would abandon (and destroy) a connection before the server's cleaner cancel.
    throw new RangeError(
      `queryTimeoutMs (${resolved.queryTimeoutMs}) must be longer than statementTimeoutMs (${resolved.statementTimeoutMs})`,
    );
  }
  return resolved;
}
