import pg from 'pg';

import { jsonOf, send } from './http.js';
import type { PlatformTarget } from './target/platform-target.js';

/** Users whose shard lives on each PostgreSQL server, and a flag to evaluate. */
export interface Fixture {
  /** Server name (`a`, `b`) → ids of users stored there. */
  readonly usersOn: Readonly<Record<string, readonly string[]>>;
  readonly flagKey: string;
}

const USERS = 24;
export const FLAG_KEY = 'chaos-probe';

/**
 * Creates users through the gateway until each server holds a few, and finds which server holds
 * each by asking the servers themselves (every `users_*` shard database on it), not by repeating
 * the shard map's arithmetic.
 */
export async function createFixture(target: PlatformTarget): Promise<Fixture> {
  const run = Date.now().toString(36);
  const created: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const answer = await send('POST', `${target.gatewayUrl}/api/users`, {
      body: { email: `chaos-${run}-${i}@example.com`, name: `Chaos ${i}` },
    });
    const id = jsonOf<{ id: string }>(answer)?.id;
    if (answer.status !== 201 || !id)
      throw new Error(`creating a user answered ${answer.status}: ${answer.text}`);
    created.push(id);
  }
  const usersOn: Record<string, string[]> = {};
  for (const server of target.state().infrastructure.postgres) {
    const ids = await usersStoredOn(server.url);
    usersOn[server.name] = created.filter((id) => ids.has(id));
  }
  for (const [server, ids] of Object.entries(usersOn)) {
    if (ids.length < 3)
      throw new Error(`only ${ids.length} of ${USERS} new users landed on server ${server}`);
  }
  const flag = await send('PUT', `${target.gatewayUrl}/api/flags/${FLAG_KEY}`, {
    headers: target.auth,
    body: { enabled: true },
  });
  if (flag.status >= 300) throw new Error(`creating flag ${FLAG_KEY} answered ${flag.status}: ${flag.text}`);
  return { usersOn, flagKey: FLAG_KEY };
}

async function usersStoredOn(serverUrl: string): Promise<Set<string>> {
  const ids = new Set<string>();
  const admin = new pg.Client({ connectionString: serverUrl });
  // pg emits 'error' when a connection drops (a scenario may have just stopped this server).
  admin.on('error', () => undefined);
  await admin.connect();
  let databases: string[];
  try {
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname ~ '^users_[0-9]+$'",
    );
    databases = rows.map((row) => row.datname);
  } finally {
    await admin.end();
  }
  for (const database of databases) {
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    const client = new pg.Client({ connectionString: url.toString() });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string }>('SELECT id::text AS id FROM users');
      for (const row of rows) ids.add(row.id);
    } catch {
      // a spare shard database without the table yet
    } finally {
      await client.end();
    }
  }
  return ids;
}
