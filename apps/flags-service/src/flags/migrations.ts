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
];
