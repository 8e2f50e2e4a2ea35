import { Inject, Injectable } from '@nestjs/common';

import { INSTAGRAM_MAX_SEQUENCE } from '@platform/ids';
import { PG_POOL, rethrowUnreachable, withTransaction, type Pool } from '@platform/postgres';

/** A run of sequence numbers in one millisecond, reserved for one shard. */
export type Reservation =
  | { readonly kind: 'granted'; readonly count: number; readonly ms: number; readonly start: number }
  /** Nothing free now: the shard's millisecond is used up, or the database clock is behind it. */
  | { readonly kind: 'wait'; readonly retryInMs: number };

const PER_MS = INSTAGRAM_MAX_SEQUENCE + 1;

/** The per-shard sequences of Instagram-style ids, kept in the coordinator database. */
@Injectable()
export class InstagramSequenceRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * Reserves up to `count` consecutive sequence numbers of one millisecond for `shard`. Throws
   * DatabaseUnavailableError (503, a dependency's failure) when the database cannot answer in time.
   */
  reserve(shard: number, count: number): Promise<Reservation> {
    return withTransaction(this.pool, async (tx): Promise<Reservation> => {
      await tx.query(
        'INSERT INTO instagram_sequences (shard, last_ms, next_seq) VALUES ($1, 0, 0) ON CONFLICT DO NOTHING',
        [shard],
      );
      const { rows } = await tx.query<{ last_ms: bigint; next_seq: number; now_ms: bigint }>(
        `SELECT last_ms, next_seq, floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now_ms
           FROM instagram_sequences WHERE shard = $1 FOR UPDATE`,
        [shard],
      );
      const row = rows[0]!;
      const [lastMs, nowMs] = [Number(row.last_ms), Number(row.now_ms)];
      const ms = nowMs > lastMs ? nowMs : lastMs;
      const start = nowMs > lastMs ? 0 : row.next_seq;
      const granted = Math.min(count, PER_MS - start);
      if (granted <= 0) return { kind: 'wait', retryInMs: Math.max(1, lastMs - nowMs + 1) };
      await tx.query('UPDATE instagram_sequences SET last_ms = $2, next_seq = $3 WHERE shard = $1', [
        shard,
        ms,
        start + granted,
      ]);
      return { kind: 'granted', count: granted, ms, start };
    }).catch(rethrowUnreachable);
  }
}
