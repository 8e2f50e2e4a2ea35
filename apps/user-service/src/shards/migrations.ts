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
      -- One account per address, whatever its letter case.
      CREATE UNIQUE INDEX users_email_unique ON users (lower(email));`,
  },
];
