export { createClient, queryWithin, type ClientOptions } from './client.js';
export {
  DEFAULT_DEADLINES,
  QUERY_TIMEOUT_MARGIN_MS,
  resolveDeadlines,
  ROLLBACK_TIMEOUT_MS,
  UNBOUNDED_QUERY_TIMEOUT_MS,
  type Deadlines,
  type ResolvedDeadlines,
} from './deadlines.js';
export { pgConstraint, pgErrorCode, PG_ERROR } from './errors.js';
export { migrate, type Migration } from './migrate.js';
export {
  createPool,
  withTransaction,
  type Pool,
  type PoolClient,
  type PoolOptions,
  type QueryConfig,
  type QueryResult,
  type QueryResultRow,
} from './pool.js';
export {
  DatabaseUnavailableError,
  isDatabaseUnavailableError,
  isDatabaseUnreachable,
  rethrowUnreachable,
} from './unavailable.js';
export { PG_POOL, PostgresModule, type PostgresModuleOptions } from './nest/postgres.module.js';
