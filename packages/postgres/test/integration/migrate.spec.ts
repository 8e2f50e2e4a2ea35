import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { createTestDatabase, type TestDatabase } from '@platform/testing';

import { migrate, type Migration } from '../../src/migrate.js';
import { createPool, type Pool } from '../../src/pool.js';

const createNotes: Migration = {
  id: '001_create_notes',
  sql: 'CREATE TABLE notes (id int PRIMARY KEY, text text NOT NULL)',
};
const seedNotes: Migration = { id: '002_seed_notes', sql: "INSERT INTO notes VALUES (1, 'first')" };
const addAuthor: Migration = { id: '003_add_author', sql: 'ALTER TABLE notes ADD COLUMN author text' };

let database: TestDatabase;
const pools: Pool[] = [];

function pool(): Pool {
  const created = createPool({ connectionString: database.url, applicationName: 'migrate-test' });
  pools.push(created);
  return created;
}

async function appliedIds(): Promise<string[]> {
  const { rows } = await pool().query<{ id: string }>(
    'SELECT id FROM schema_migrations ORDER BY applied_at, id',
  );
  return rows.map((row) => row.id);
}

async function tableExists(name: string): Promise<boolean> {
  const { rows } = await pool().query<{ found: string | null }>('SELECT to_regclass($1) AS found', [name]);
  return rows[0]?.found !== null;
}

beforeEach(async () => {
  database = await createTestDatabase('migrate');
});

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.end()));
  await database.drop();
});

describe(migrate.name, () => {
  it('applies migrations in id order, whatever order they are listed in, and records them', async () => {
    const applied = await migrate(pool(), [seedNotes, createNotes]);

    expect(applied).toEqual(['001_create_notes', '002_seed_notes']);
    expect(await appliedIds()).toEqual(['001_create_notes', '002_seed_notes']);
    const { rows } = await pool().query('SELECT id, text FROM notes');
    expect(rows).toEqual([{ id: 1, text: 'first' }]);
  });

  it('is idempotent: a second run applies nothing, a later run applies only the new migration', async () => {
    const db = pool();
    await migrate(db, [createNotes, seedNotes]);

    expect(await migrate(db, [createNotes, seedNotes])).toEqual([]);
    expect(await migrate(db, [createNotes, seedNotes, addAuthor])).toEqual(['003_add_author']);
    const { rows } = await db.query('SELECT count(*)::int AS notes FROM notes');
    expect(rows).toEqual([{ notes: 1 }]);
  });

  it('applies each migration exactly once when instances migrate at the same time', async () => {
    const slowCreate: Migration = {
      id: createNotes.id,
      sql: `SELECT pg_sleep(0.3); ${createNotes.sql}`,
    };
    const migrations = [slowCreate, seedNotes, addAuthor];
    // Separate pools, like separate service instances starting together.
    const results = await Promise.all([
      migrate(pool(), migrations),
      migrate(pool(), migrations),
      migrate(pool(), migrations),
    ]);

    expect(results.flat().sort()).toEqual(['001_create_notes', '002_seed_notes', '003_add_author']);
    expect(await appliedIds()).toEqual(['001_create_notes', '002_seed_notes', '003_add_author']);
    const { rows } = await pool().query('SELECT count(*)::int AS notes FROM notes');
    expect(rows).toEqual([{ notes: 1 }]);
  });

  it("is not cut short by the pool's statement timeout, while migrating or while waiting for another instance", async () => {
    // Services give their pools a few seconds of statement timeout; a migration (an index on a big
    // table) and an instance waiting for another's lock may take longer, and must not fail for it.
    const shortTimeout = () => {
      const created = createPool({
        connectionString: database.url,
        applicationName: 'migrate-test',
        statementTimeoutMs: 300,
      });
      pools.push(created);
      return created;
    };
    const slowCreate: Migration = { id: createNotes.id, sql: `SELECT pg_sleep(0.8); ${createNotes.sql}` };
    const results = await Promise.all([
      migrate(shortTimeout(), [slowCreate, seedNotes]),
      migrate(shortTimeout(), [slowCreate, seedNotes]),
    ]);

    expect(results.flat().sort()).toEqual(['001_create_notes', '002_seed_notes']);
    // The pool's own timeout still holds for its other queries afterwards.
    const db = shortTimeout();
    await migrate(db, [slowCreate, seedNotes]);
    await expect(db.query('SELECT pg_sleep(1)')).rejects.toThrow(
      'canceling statement due to statement timeout',
    );
  });

  it('rolls a failing migration back entirely, names it, and keeps the ones before it', async () => {
    const broken: Migration = {
      id: '002_broken',
      sql: 'CREATE TABLE tags (name text); INSERT INTO no_such_table VALUES (1)',
    };
    const db = pool();

    await expect(migrate(db, [createNotes, broken, addAuthor])).rejects.toThrow(
      'migration 002_broken failed: relation "no_such_table" does not exist',
    );
    expect(await appliedIds()).toEqual(['001_create_notes']);
    expect(await tableExists('notes')).toBe(true);
    expect(await tableExists('tags')).toBe(false);

    // Fixed, it goes through on the next start; the lock was released.
    const fixed: Migration = { id: '002_broken', sql: 'CREATE TABLE tags (name text)' };
    expect(await migrate(db, [createNotes, fixed, addAuthor])).toEqual(['002_broken', '003_add_author']);
    expect(await tableExists('tags')).toBe(true);
  });

  it('refuses a list that uses an id twice, before touching the database', async () => {
    await expect(migrate(pool(), [createNotes, { ...seedNotes, id: createNotes.id }])).rejects.toThrow(
      'migration id "001_create_notes" is used twice',
    );
    expect(await tableExists('schema_migrations')).toBe(false);
  });
});
