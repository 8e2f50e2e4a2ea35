import pg from 'pg';

import {
  KEEPALIVE_INITIAL_DELAY_MS,
  resolveDeadlines,
  type Deadlines,
  type ResolvedDeadlines,
} from './deadlines.js';

export interface ClientOptions extends Deadlines {
  readonly connectionString: string;
  /** Shown in pg_stat_activity, so a DBA can tell which service holds a connection. */
  readonly applicationName: string;
}

/** pg's settings for a connection with these deadlines (the pool passes its own on top). */
export function clientConfig(deadlines: ResolvedDeadlines): pg.ClientConfig {
  return {
    connectionTimeoutMillis: deadlines.connectionTimeoutMs,
    statement_timeout: deadlines.statementTimeoutMs,
    query_timeout: deadlines.queryTimeoutMs,
    idle_in_transaction_session_timeout: deadlines.idleInTransactionTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS,
  };
}

/**
 * pg's Client that never crashes the process when its connection drops. pg emits 'error' on a
 * client whose server went away while no query was running (a LISTEN connection, one checked out
 * of a pool between two queries); an EventEmitter with no 'error' listener throws it as an uncaught
 * exception ("Connection terminated unexpectedly"). The connection is still marked broken: its next
 * query fails at once, and a pool destroys it on release. Owners that want to react (reconnect a
 * LISTEN) add their own listener as before.
 */
export function survivingClient(overrides: pg.ClientConfig = {}): typeof pg.Client {
  return class extends pg.Client {
    constructor(config: pg.ClientConfig = {}) {
      // pg-pool keeps the password non-enumerable, so a spread alone would drop it.
      super({ ...config, password: config.password, ...overrides });
      this.on('error', () => undefined);
    }
  };
}

/**
 * A standalone connection (LISTEN, an admin task) with the same deadlines and crash-safety as a pool's.
 * Not connected yet: call `connect()`.
 */
export function createClient(options: ClientOptions): pg.Client {
  const Client = survivingClient();
  return new Client({
    connectionString: options.connectionString,
    application_name: options.applicationName,
    ...clientConfig(resolveDeadlines(options)),
  });
}

/**
 * A query with its own client-side deadline in place of the connection's `queryTimeoutMs` (pg reads
 * `query_timeout` per query, though its types do not list it). For a ROLLBACK that must be quick, or
 * a migration that may take long.
 */
export function queryWithin(timeoutMs: number, text: string, values?: unknown[]): pg.QueryConfig {
  const config: pg.QueryConfig & { query_timeout: number } = { text, values, query_timeout: timeoutMs };
  return config;
}
