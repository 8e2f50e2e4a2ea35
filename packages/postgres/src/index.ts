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
export { PG_POOL, PostgresModule, type PostgresModuleOptions } from './nest/postgres.module.js';
