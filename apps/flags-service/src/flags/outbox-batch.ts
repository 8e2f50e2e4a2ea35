import type { Pool } from '@platform/postgres';

/** Any constant works; one publisher at a time sends, so events leave in the order they were made. */
const PUBLISHER_LOCK = 7_140_231;

/** One row of the outbox (`flag_events`): a change to a flag or segment, written with the change. */
export interface OutboxEvent {
  readonly seq: bigint;
  readonly kind: 'flag' | 'segment';
  readonly key: string;
  readonly version: bigint;
  readonly deleted: boolean;
  readonly definition: unknown;
}

/**
 * Sends one batch of the outbox and deletes what it sent, in one transaction under an advisory lock
 * (another instance holding it means 0: it is publishing). A failed send deletes nothing.
 *
 * It deletes exactly the rows it read, not "everything up to the highest seq sent": a change whose
 * transaction took a lower seq but committed while the batch was being sent is not in the batch, and
 * a range delete would remove it unsent (every SDK would keep the old definition for good). Such a
 * row goes out with the next batch, after rows with higher seqs of other keys only: one key's changes
 * are serialised by the row lock of the change itself, so a key's rows become visible here in version
 * order, and go out in that order. SDKs rely on it: they take the topic's order as the truth.
 *
 * `send` publishes in a Kafka transaction fenced by the next publisher (see `outbox-producer.ts`): an
 * instance that loses this lock while paused mid-batch cannot deliver the batch later; it stays here
 * and the instance now holding the lock sends it.
 *
 * `ready`, if given, runs once the lock is held, before the outbox is read, even when it is empty:
 * the publisher readies its producer there, so the first change after a start does not wait for
 * Kafka's transaction coordinator.
 */
export async function publishOutboxBatch(
  pool: Pool,
  limit: number,
  send: (events: readonly OutboxEvent[]) => Promise<void>,
  ready?: () => Promise<void>,
): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows: lock } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [
      PUBLISHER_LOCK,
    ]);
    if (!lock[0]?.ok) {
      await client.query('ROLLBACK');
      return 0;
    }
    await ready?.();
    const { rows } = await client.query<OutboxEvent>(
      'SELECT seq, kind, key, version, deleted, definition FROM flag_events ORDER BY seq LIMIT $1',
      [limit],
    );
    if (rows.length > 0) {
      await send(rows);
      await client.query('DELETE FROM flag_events WHERE seq = ANY($1::bigint[])', [
        rows.map((row) => row.seq.toString()),
      ]);
    }
    await client.query('COMMIT');
    return rows.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
