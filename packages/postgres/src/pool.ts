import pg from 'pg';

export type { Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';

// 64-bit integers (ids) come back as strings by default; keep them exact as bigint instead.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => BigInt(value));

export interface PoolOptions {
  readonly connectionString: string;
  /** Shown in pg_stat_activity, so a DBA can tell which service holds a connection. */
  readonly applicationName: string;
  readonly max?: number;
  /** A query running longer than this is cancelled by the server. */
  readonly statementTimeoutMs?: number;
  /** How long opening a new connection may take before it is given up (a dead or unreachable server). */
  readonly connectionTimeoutMs?: number;
  /**
   * How long a query may wait for one of the `max` connections while all are busy; 0 waits as long as
   * it takes. Default: `connectionTimeoutMs`. When it is set, pg-pool arms a timer for every query,
   * idle connections or not, so a hot path that bounds its waits otherwise sets 0.
   */
  readonly checkoutTimeoutMs?: number;
}

/**
 * pg's client with its own connect timeout. pg-pool has one option for both its waits (for a new
 * connection and for a busy pool); set on each client, the connect timeout holds whatever the pool's
 * checkout timeout is.
 */
function clientConnectingWithin(timeoutMs: number): typeof pg.Client {
  return class extends pg.Client {
    constructor(config: pg.ClientConfig) {
      // pg-pool keeps the password non-enumerable, so a spread alone would drop it.
      super({ ...config, password: config.password, connectionTimeoutMillis: timeoutMs });
    }
  };
}

export function createPool(options: PoolOptions): pg.Pool {
  const connectionTimeoutMs = options.connectionTimeoutMs ?? 3_000;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    application_name: options.applicationName,
    max: options.max ?? 10,
    statement_timeout: options.statementTimeoutMs ?? 5_000,
    connectionTimeoutMillis: options.checkoutTimeoutMs ?? connectionTimeoutMs,
    Client: clientConnectingWithin(connectionTimeoutMs),
    idleTimeoutMillis: 30_000,
  });
  // An idle client whose server went away emits 'error' on the pool; without a listener that
  // would crash the process. The next query gets a fresh connection (or a clear error).
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `fn` in a transaction: committed if it resolves, rolled back if it throws. */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  // A connection whose ROLLBACK failed is broken (or mid-transaction): destroyed, never reused.
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.release(broken);
  }
}
