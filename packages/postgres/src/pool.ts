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
  readonly connectionTimeoutMs?: number;
}

export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    application_name: options.applicationName,
    max: options.max ?? 10,
    statement_timeout: options.statementTimeoutMs ?? 5_000,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 3_000,
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
