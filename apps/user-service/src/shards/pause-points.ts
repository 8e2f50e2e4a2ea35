import { createClient } from '@platform/postgres';

import type { PausePoint, UserServiceConfig } from '../config/env.schema.js';

/** The advisory lock a test holds to keep a reshard at `point`; the same expression on both sides. */
export const PAUSE_LOCK_SQL = "hashtext('user-service pause point ' || $1)";

/** A test holds a point for seconds at most; a forgotten lock still ends the wait. */
const MAX_PAUSE_MS = 60_000;

/**
 * Waits at `point` while a test holds its advisory lock on the catalog database, when the test asked
 * for the point (USER_PAUSE_POINTS + FAULTS_ENABLED); returns at once otherwise. The wait is on a
 * connection of its own, outside the catalog pool's statement deadline. A test sees the wait in
 * pg_locks (an advisory lock not granted), does what must happen there, and releases its lock.
 */
export async function pausePoint(config: UserServiceConfig, point: PausePoint): Promise<void> {
  if (!config.FAULTS_ENABLED || !config.USER_PAUSE_POINTS.includes(point)) return;
  const client = createClient({
    connectionString: config.USER_CATALOG_URL,
    applicationName: `user-service pause point ${point}`,
    statementTimeoutMs: MAX_PAUSE_MS,
  });
  await client.connect();
  try {
    await client.query(`SELECT pg_advisory_lock(${PAUSE_LOCK_SQL})`, [point]);
    await client.query(`SELECT pg_advisory_unlock(${PAUSE_LOCK_SQL})`, [point]);
  } finally {
    await client.end();
  }
}
