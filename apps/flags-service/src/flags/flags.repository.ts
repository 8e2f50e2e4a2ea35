import { Inject, Injectable } from '@nestjs/common';

import { PG_POOL, type Pool } from '@platform/postgres';

import type { Flag } from './flag.js';

interface FlagRow {
  key: string;
  enabled: boolean;
  description: string | null;
  created_at: Date;
  updated_at: Date;
  created: boolean;
}

function toFlag(row: FlagRow): Flag {
  return {
    key: row.key,
    enabled: row.enabled,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const COLUMNS = 'key, enabled, description, created_at, updated_at';

@Injectable()
export class FlagsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Creates or replaces a flag; `created` tells which. A missing description keeps the old one. */
  async upsert(
    key: string,
    enabled: boolean,
    description: string | undefined,
  ): Promise<{ flag: Flag; created: boolean }> {
    const { rows } = await this.pool.query<FlagRow>(
      `INSERT INTO flags (key, enabled, description) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE
          SET enabled = EXCLUDED.enabled,
              description = COALESCE($3, flags.description),
              updated_at = now()
       RETURNING ${COLUMNS}, (xmax = 0) AS created`,
      [key, enabled, description ?? null],
    );
    const row = rows[0]!;
    return { flag: toFlag(row), created: row.created };
  }

  async find(key: string): Promise<Flag | undefined> {
    const { rows } = await this.pool.query<FlagRow>(`SELECT ${COLUMNS} FROM flags WHERE key = $1`, [key]);
    return rows[0] ? toFlag(rows[0]) : undefined;
  }

  async list(): Promise<Flag[]> {
    // Byte order, the same whatever locale the database was created with ('a-c' before 'ab').
    const { rows } = await this.pool.query<FlagRow>(`SELECT ${COLUMNS} FROM flags ORDER BY key COLLATE "C"`);
    return rows.map(toFlag);
  }
}
