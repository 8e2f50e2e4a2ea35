import type { Pool, QueryResultRow } from 'pg';

import { queryWithin } from './client.js';
import { ROLLBACK_TIMEOUT_MS, UNBOUNDED_QUERY_TIMEOUT_MS } from './deadlines.js';

export interface Migration {
  /** Sortable and never reused, e.g. `001_create_users`. */
  readonly id: string;
  readonly sql: string;
}

// Any constant works; it only has to be the same for every instance that migrates this database.
const MIGRATION_LOCK = 7_140_221;

/**
 * Applies, in id order, the migrations this database has not seen yet, each in its own transaction.
 * Instances starting together take turns through an advisory lock, so each migration runs once.
 * The pool's deadlines do not apply meanwhile (statement timeout off, the client's query timeout
 * {@link UNBOUNDED_QUERY_TIMEOUT_MS}): a migration may take longer than a query should, and so may the
 * wait of an instance whose turn comes after it. Returns the ids applied now.
 */
export async function migrate(pool: Pool, migrations: readonly Migration[]): Promise<string[]> {
  const ordered = [...migrations].sort((a, b) => a.id.localeCompare(b.id));
  const ids = new Set<string>();
  for (const { id } of ordered) {
    if (ids.has(id)) throw new Error(`migration id "${id}" is used twice`);
    ids.add(id);
  }
  const client = await pool.connect();
  const run = <R extends QueryResultRow>(text: string, values?: unknown[]) =>
    client.query<R>(queryWithin(UNBOUNDED_QUERY_TIMEOUT_MS, text, values));
  try {
    await run('SET statement_timeout = 0');
    await run('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await run(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         id text PRIMARY KEY,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await run<{ id: string }>('SELECT id FROM schema_migrations');
    const done = new Set(rows.map((row) => row.id));
    const applied: string[] = [];
    for (const migration of ordered) {
      if (done.has(migration.id)) continue;
      try {
        await run('BEGIN');
        await run(migration.sql);
        await run('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id]);
        await run('COMMIT');
      } catch (error) {
        await client.query(queryWithin(ROLLBACK_TIMEOUT_MS, 'ROLLBACK')).catch(() => undefined);
        throw new Error(`migration ${migration.id} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(migration.id);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    // Back to the timeout the connection was opened with, before the pool hands it to anyone else.
    const reset = await client.query('RESET statement_timeout').then(
      () => undefined,
      (error: Error) => error,
    );
    client.release(reset);
  }
}
