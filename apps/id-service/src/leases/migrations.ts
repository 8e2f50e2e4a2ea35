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
];
