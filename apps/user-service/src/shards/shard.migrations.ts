import type { Migration } from '@platform/postgres';

/** Applied to every shard database. */
export const shardMigrations: Migration[] = [
  {
    id: '001_users',
    sql: `
      CREATE TABLE users (
        id         bigint PRIMARY KEY,
        email      text NOT NULL,
        name       text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX users_email_unique ON users (lower(email));`,
  },
  {
    id: '002_logical_shards',
    sql: `
      -- Emails are unique across every shard through the catalog's lookup index; a per-shard index
      -- would also refuse a row while a moved user's old copy is still being cleaned up.
      DROP INDEX users_email_unique;
      ALTER TABLE users
        ADD COLUMN logical_shard integer,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
      -- An Instagram-style id carries its logical shard in bits 10..22.
      UPDATE users SET logical_shard = ((id >> 10) & 8191)::integer;
      ALTER TABLE users ALTER COLUMN logical_shard SET NOT NULL;
      CREATE INDEX users_by_logical_shard ON users (logical_shard, id);

      -- The logical shards this database owns, since which shard map version. Every write locks its
      -- logical shard's row FOR SHARE and checks it: a router holding a stale map is refused here.
      -- "fenced" holds writes back during a move's cutover; "capturing" records changes for it.
      CREATE TABLE owned_shards (
        logical_shard integer PRIMARY KEY,
        map_version   bigint NOT NULL,
        fenced        boolean NOT NULL DEFAULT false,
        capturing     boolean NOT NULL DEFAULT false
      );

      -- Users changed in a logical shard that is being copied elsewhere, for the catch-up phase.
      CREATE TABLE user_changes (
        seq           bigserial PRIMARY KEY,
        logical_shard integer NOT NULL,
        user_id       bigint NOT NULL
      );
      CREATE INDEX user_changes_by_logical_shard ON user_changes (logical_shard, seq);

      CREATE FUNCTION capture_user_change() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        changed_shard integer := CASE WHEN TG_OP = 'DELETE' THEN OLD.logical_shard ELSE NEW.logical_shard END;
        changed_id bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
      BEGIN
        IF EXISTS (SELECT 1 FROM owned_shards WHERE logical_shard = changed_shard AND capturing) THEN
          INSERT INTO user_changes (logical_shard, user_id) VALUES (changed_shard, changed_id);
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER users_capture_changes AFTER INSERT OR UPDATE OR DELETE ON users
        FOR EACH ROW EXECUTE FUNCTION capture_user_change();`,
  },
  {
    id: '003_incoming_shards',
    sql: `
      -- Logical shards being copied here by a reshard, and the fencing token of the job owner that
      -- copies them: every write of the move checks it, so an owner fenced off writes nothing more.
      CREATE TABLE incoming_shards (
        logical_shard integer PRIMARY KEY,
        epoch         bigint NOT NULL
      );`,
  },
];
