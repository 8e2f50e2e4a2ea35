import { randomBytes } from 'node:crypto';

import type { PoolClient } from '@platform/postgres';

/** Prefix of every transaction user-service prepares, so recovery touches only its own. */
export const GID_PREFIX = 'uw:';

/** A new global transaction id: only [a-z0-9:], so it can be written into SQL literally. */
export function newGid(): string {
  return `${GID_PREFIX}${Date.now().toString(36)}:${randomBytes(8).toString('hex')}`;
}

function literal(gid: string): string {
  if (!/^[a-z0-9:]+$/.test(gid)) throw new Error(`not a user-service transaction id: ${gid}`);
  return `'${gid}'`;
}

export const prepareSql = (gid: string) => `PREPARE TRANSACTION ${literal(gid)}`;
export const commitPreparedSql = (gid: string) => `COMMIT PREPARED ${literal(gid)}`;
export const rollbackPreparedSql = (gid: string) => `ROLLBACK PREPARED ${literal(gid)}`;

/** SQLSTATE for "prepared transaction with identifier … does not exist" (someone resolved it). */
export const UNDEFINED_OBJECT = '42704';

/**
 * Runs `fn` in a transaction on `client` and prepares it as `gid` instead of committing: its
 * changes are durable but invisible, and locked, until COMMIT PREPARED or ROLLBACK PREPARED.
 */
export async function prepared<T>(
  client: PoolClient,
  gid: string,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await fn(client);
    await client.query(prepareSql(gid));
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
