import pg from 'pg';

import type { StoredRow, StoredUsers } from './check-users.js';

/**
 * Reads what the databases hold, straight from PostgreSQL rather than through the API: every row of
 * every `users_*` shard database on every server (a user left behind in a source shard shows up as
 * stored twice), and the catalog's email lookup index (found as the database holding `email_lookup`).
 */
export async function readStoredUsers(serverUrls: readonly string[]): Promise<StoredUsers> {
  const rows: StoredRow[] = [];
  const lookup = new Map<string, string>();
  for (const serverUrl of serverUrls) {
    for (const database of await databasesOn(serverUrl)) {
      await withClient(databaseUrl(serverUrl, database), async (client) => {
        const { rows: tables } = await client.query<{ users: string | null; lookup: string | null }>(
          "SELECT to_regclass('public.users')::text AS users, to_regclass('public.email_lookup')::text AS lookup",
        );
        if (/^users_\d+$/.test(database) && tables[0]?.users) {
          const found = await client.query<{ id: string; email: string; name: string }>(
            'SELECT id::text AS id, email, name FROM users',
          );
          for (const row of found.rows) rows.push({ ...row, database });
        }
        if (tables[0]?.lookup) {
          const found = await client.query<{ email: string; user_id: string }>(
            'SELECT email, user_id::text AS user_id FROM email_lookup',
          );
          for (const row of found.rows) lookup.set(row.email, row.user_id);
        }
      });
    }
  }
  return { rows, lookup };
}

async function databasesOn(serverUrl: string): Promise<string[]> {
  return withClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY datname',
    );
    return rows.map((row) => row.datname);
  });
}

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A connection to `url` for the length of `use`. */
export async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
