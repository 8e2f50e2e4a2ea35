import type { Migration } from '@platform/postgres';

export const migrations: Migration[] = [
  {
    id: '001_flags',
    sql: `
      CREATE TABLE flags (
        key         text PRIMARY KEY,
        enabled     boolean NOT NULL,
        description text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`,
  },
  {
    id: '002_definitions_segments_audit',
    sql: `
      -- The whole definition (variants, rules, rollouts), validated by @platform/flags before it is
      -- stored; version counts changes, so a client can tell which state it has.
      ALTER TABLE flags
        ADD COLUMN definition jsonb,
        ADD COLUMN version bigint NOT NULL DEFAULT 1;
      -- Flags stored before definitions existed become boolean flags: on for everyone when enabled.
      UPDATE flags SET definition = jsonb_build_object(
        'key', key, 'enabled', enabled,
        'variants', jsonb_build_object('on', true, 'off', false),
        'offVariant', 'off', 'defaultRule', jsonb_build_object('variant', 'on'))
        || CASE WHEN description IS NULL THEN '{}'::jsonb
                ELSE jsonb_build_object('description', description) END;
      ALTER TABLE flags ALTER COLUMN definition SET NOT NULL;

      CREATE TABLE segments (
        key        text PRIMARY KEY,
        definition jsonb NOT NULL,
        version    bigint NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      -- Every change to a flag or a segment: who, when, and the definition before and after.
      CREATE TABLE audit_log (
        id      bigserial PRIMARY KEY,
        entity  text NOT NULL CHECK (entity IN ('flag', 'segment')),
        key     text NOT NULL,
        action  text NOT NULL CHECK (action IN ('create', 'update', 'delete')),
        version bigint NOT NULL,
        actor   text NOT NULL,
        at      timestamptz NOT NULL DEFAULT now(),
        before  jsonb,
        after   jsonb
      );
      CREATE INDEX audit_log_by_key ON audit_log (entity, key, id);`,
  },
  {
    id: '003_outbox',
    sql: `
      -- Changes waiting to be published on Kafka, written in the same transaction as the change
      -- itself (a transactional outbox): a change is stored and published, or neither.
      CREATE TABLE flag_events (
        seq        bigserial PRIMARY KEY,
        kind       text NOT NULL CHECK (kind IN ('flag', 'segment')),
        key        text NOT NULL,
        version    bigint NOT NULL,
        deleted    boolean NOT NULL,
        definition jsonb
      );`,
  },
];
