import type { Migration } from '@platform/postgres';

export const migrations: Migration[] = [
  {
    id: '001_worker_leases',
    sql: `
      CREATE TABLE worker_leases (
        datacenter_id integer NOT NULL,
        worker_id     integer NOT NULL,
        holder        text    NOT NULL,
        -- grows with every new holder: tells a stale holder's renewal from the current one's
        token         bigint  NOT NULL,
        expires_at    timestamptz NOT NULL,
        -- wall-clock ms the holder may have issued ids up to; the next holder never issues at or below it
        fence_ms      bigint  NOT NULL DEFAULT 0,
        PRIMARY KEY (datacenter_id, worker_id)
      )`,
  },
  {
    id: '002_instagram_sequences',
    sql: `
      -- One row per logical shard, as Instagram kept one sequence per shard: whoever issues an
      -- Instagram-style id for a shard takes the next (millisecond, sequence) pair from here, under
      -- the row's lock, so instances never issue the same one.
      CREATE TABLE instagram_sequences (
        shard    integer PRIMARY KEY,
        -- the millisecond (Unix ms, by the database's clock) of the newest ids issued for the shard
        last_ms  bigint  NOT NULL,
        -- the next sequence number still free in that millisecond (1024 = none)
        next_seq integer NOT NULL
      )`,
  },
];
