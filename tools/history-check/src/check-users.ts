import { allowedStates, sameState, type UserState } from './allowed-states.js';
import type { RecordedOperation } from './user-history.js';

/** A user row as found in one shard database. */
export interface StoredRow {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly database: string;
}

/** What the databases hold at the end: every user row of every shard, and the email lookup index. */
export interface StoredUsers {
  readonly rows: readonly StoredRow[];
  /** Lower-cased email → user id, from the catalog. */
  readonly lookup: ReadonlyMap<string, string>;
}

export interface Anomaly {
  readonly kind: 'lost-write' | 'stored-twice' | 'phantom-user' | 'index-mismatch';
  readonly detail: string;
}

/**
 * Compares the final state with the history: every acknowledged write there (the latest one, or a
 * later one whose outcome was unknown), no user in two databases, no user nobody created, and the
 * lookup index equal to the rows. `owns(email)` says which emails this run's clients used: users and
 * index entries of anyone else are not judged.
 */
export function checkUsers(
  history: readonly RecordedOperation[],
  stored: StoredUsers,
  owns: (email: string) => boolean,
): Anomaly[] {
  const anomalies: Anomaly[] = [];
  const rowsById = new Map<string, StoredRow[]>();
  for (const row of stored.rows) {
    if (!owns(row.email)) continue;
    rowsById.set(row.id, [...(rowsById.get(row.id) ?? []), row]);
  }
  for (const [id, rows] of rowsById) {
    if (rows.length > 1)
      anomalies.push({
        kind: 'stored-twice',
        detail: `user ${id} is in ${rows.map((r) => r.database).join(' and ')}`,
      });
  }

  const byUser = new Map<string, RecordedOperation[]>();
  for (const operation of history) {
    // Each client names its own users: u3 of client 1 is not u3 of client 2.
    const key = `client ${operation.client}, ${operation.user}`;
    byUser.set(key, [...(byUser.get(key) ?? []), operation]);
  }

  const known = new Set<string>();
  const unknownCreates = new Set<string>();
  for (const [user, operations] of byUser) {
    const create = operations[0];
    if (create?.operation.kind !== 'create') continue;
    if (create.outcome === 'unknown') unknownCreates.add(create.operation.fields.email.toLowerCase());
    if (create.outcome !== 'ok' || create.id === undefined) continue;
    known.add(create.id);
    const row = rowsById.get(create.id)?.[0];
    const actual: UserState = row ? { email: row.email, name: row.name } : null;
    const allowed = allowedStates(operations);
    if (!allowed.some((state) => sameState(state, actual)))
      anomalies.push({
        kind: 'lost-write',
        detail:
          `user ${create.id} (${user}) holds ${describe(actual)}; its history allows only ` +
          `${allowed.map(describe).join(' or ')} (last: ${lastAcknowledged(operations)})`,
      });
  }

  for (const [id, rows] of rowsById) {
    if (known.has(id)) continue;
    const email = rows[0]!.email.toLowerCase();
    if (!unknownCreates.delete(email))
      anomalies.push({ kind: 'phantom-user', detail: `user ${id} (${email}) was never created by a client` });
  }

  for (const [id, rows] of rowsById) {
    const email = rows[0]!.email.toLowerCase();
    const indexed = stored.lookup.get(email);
    if (indexed !== id)
      anomalies.push({
        kind: 'index-mismatch',
        detail: `${email} is user ${id}'s email, but the lookup index says ${indexed ?? 'nothing'}`,
      });
  }
  for (const [email, id] of stored.lookup) {
    if (!owns(email)) continue;
    const row = rowsById.get(id)?.[0];
    if (row?.email.toLowerCase() !== email)
      anomalies.push({
        kind: 'index-mismatch',
        detail: `the lookup index maps ${email} to user ${id}, who ${row ? `has ${row.email}` : 'is not stored'}`,
      });
  }
  return anomalies;
}

function describe(state: UserState): string {
  return state ? `${state.email} "${state.name}"` : 'nothing';
}

function lastAcknowledged(operations: readonly RecordedOperation[]): string {
  const last = operations.findLast((operation) => operation.outcome === 'ok');
  return last ? `${last.operation.kind} acknowledged at ${new Date(last.endedAt).toISOString()}` : 'none';
}
