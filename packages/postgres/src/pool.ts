import pg from 'pg';

import { clientConfig, queryWithin, survivingClient } from './client.js';
import { resolveDeadlines, ROLLBACK_TIMEOUT_MS, type Deadlines } from './deadlines.js';

export type { Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';

// 64-bit integers (ids) come back as strings by default; keep them exact as bigint instead.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => BigInt(value));

/** A pool's settings; the deadlines (see {@link Deadlines}) all have defaults. */
export interface PoolOptions extends Deadlines {
  readonly connectionString: string;
  /** Shown in pg_stat_activity, so a DBA can tell which service holds a connection. */
  readonly applicationName: string;
  readonly max?: number;
  /**
   * How long a query may wait for one of the `max` connections while all are busy; 0 waits as long as
   * it takes. Default: `connectionTimeoutMs`. When it is set, pg-pool arms a timer for every query,
   * idle connections or not, so a hot path that bounds its waits otherwise sets 0.
   */
  readonly checkoutTimeoutMs?: number;
}

export function createPool(options: PoolOptions): pg.Pool {
  const deadlines = resolveDeadlines(options);
  const perConnection = clientConfig(deadlines);
  const pool = new pg.Pool({
    ...perConnection,
    connectionString: options.connectionString,
    application_name: options.applicationName,
    max: options.max ?? 10,
    // pg-pool has one option for both its waits (for a new connection and for a busy pool); the
    // connect timeout is set on each client instead, so it holds whatever the checkout timeout is.
    connectionTimeoutMillis: options.checkoutTimeoutMs ?? deadlines.connectionTimeoutMs,
    Client: survivingClient({ connectionTimeoutMillis: perConnection.connectionTimeoutMillis }),
    idleTimeoutMillis: 30_000,
  });
  // An idle client whose server went away emits 'error' on the pool; without a listener that
  // would crash the process. The next query gets a fresh connection (or a clear error).
  pool.on('error', () => undefined);
  return pool;
}

/** pg's client-side query timeout fired: the server may still answer, the connection is unusable. */
function abandoned(error: unknown): error is Error {
  return error instanceof Error && error.message === 'Query read timeout';
}

/**
 * Runs `fn` in a transaction: committed if it resolves, rolled back if it throws. The ROLLBACK has
 * {@link ROLLBACK_TIMEOUT_MS}; a connection whose ROLLBACK failed or timed out (a hung server) is
 * broken or still mid-transaction, and one whose query was abandoned at the query timeout is not
 * rolled back at all: either is destroyed, never reused.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    if (abandoned(error)) {
      // A query still in flight on this connection: a ROLLBACK would only queue behind it.
      broken = error;
    } else {
      await client
        .query(queryWithin(ROLLBACK_TIMEOUT_MS, 'ROLLBACK'))
        .catch((rollbackError: Error) => (broken = rollbackError));
    }
    throw error;
  } finally {
    client.release(broken);
  }
}
