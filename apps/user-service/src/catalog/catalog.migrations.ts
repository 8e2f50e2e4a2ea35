import type { Migration } from '@platform/postgres';

/** Applied to the catalog database. */
export const catalogMigrations: Migration[] = [
  {
    id: '001_catalog',
    sql: `
      -- Every shard map ever used; the highest version is the current one. A new map is written as
      -- version n+1 and the primary key refuses it if someone else wrote n+1 first.
      CREATE TABLE shard_maps (
        version    bigint PRIMARY KEY,
        spec       jsonb NOT NULL,
        reason     text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      -- The global lookup index (Vitess calls it a lookup vindex): lower-cased email -> user id.
      CREATE TABLE email_lookup (
        email   text PRIMARY KEY,
        user_id bigint NOT NULL
      );
      CREATE INDEX email_lookup_by_user ON email_lookup (user_id);

      -- Outcomes of two-phase user writes. A user row is prepared on its shard, then the lookup
      -- change and this row are committed here in one statement: that commit is the decision.
      -- Recovery of a transaction left prepared inserts 'abort' first, so a late writer loses.
      CREATE TABLE user_write_outcomes (
        gid        text PRIMARY KEY,
        outcome    text NOT NULL CHECK (outcome IN ('commit', 'abort')),
        decided_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX user_write_outcomes_by_age ON user_write_outcomes (decided_at);

      CREATE TABLE reshard_jobs (
        id          text PRIMARY KEY,
        source      text NOT NULL,
        target      text NOT NULL,
        state       text NOT NULL,
        owner       text,
        lease_until timestamptz,
        error       text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      );
      -- At most one job that is not finished.
      CREATE UNIQUE INDEX reshard_jobs_one_running ON reshard_jobs ((true)) WHERE state NOT IN ('done', 'failed');

      CREATE TABLE reshard_moves (
        job_id        text NOT NULL REFERENCES reshard_jobs (id),
        logical_shard integer NOT NULL,
        state         text NOT NULL,
        copied        integer NOT NULL DEFAULT 0,
        caught_up     integer NOT NULL DEFAULT 0,
        -- When writes to it were fenced during its cutover, and for how long.
        fenced_at     timestamptz,
        fence_ms      double precision,
        started_at    timestamptz,
        finished_at   timestamptz,
        PRIMARY KEY (job_id, logical_shard)
      );`,
  },
  {
    id: '002_reshard_epochs',
    sql: `
      -- A fencing token per claim of a reshard job: the instance holding the newest one owns it, and
      -- every step of an older owner (paused past its lease) is refused in the catalog and on the target.
      CREATE SEQUENCE reshard_epochs;
      ALTER TABLE reshard_jobs ADD COLUMN epoch bigint NOT NULL DEFAULT 0;`,
  },
];
