import { EventEmitter } from 'node:events';

import { Inject, Injectable } from '@nestjs/common';

import type { Flag as FlagDefinition, Segment as SegmentDefinition } from '@platform/flags';
import { PG_POOL, withTransaction, type Pool, type PoolClient } from '@platform/postgres';

import type { AuditEntryJson, StoredFlag, StoredSegment } from './flag.js';
import { changePayload, type FlagChange } from './flag-change.js';
import { FlagNotFoundError, SegmentInUseError, SegmentNotFoundError } from './flag.errors.js';

type Entity = 'flag' | 'segment';

/**
 * PostgreSQL NOTIFY channel told of every change when it commits, with the change as JSON (see
 * `flag-change.ts`): it wakes the publisher, and tells every instance's compiled flags what changed.
 */
export const FLAG_EVENTS_CHANNEL = 'flag_events';

export interface FlagsRepositoryEvents {
  /** A change this instance made has committed (emitted before the call that made it returns). */
  committed: [change: FlagChange];
}

interface DefinitionRow<D> {
  definition: D;
  version: bigint;
  created_at: Date;
  updated_at: Date;
}

function stored<D>(row: DefinitionRow<D>) {
  return {
    definition: row.definition,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const TABLE: Record<Entity, string> = { flag: 'flags', segment: 'segments' };
const COLUMNS = 'definition, version, created_at, updated_at';
const NEXT_VERSION = (entity: Entity) =>
  `COALESCE((SELECT max(version) FROM audit_log WHERE entity = '${entity}' AND key = $1), 0) + 1`;

/**
 * Flags and segments in PostgreSQL. Every change runs in one transaction with its audit entry: the
 * current definition is locked, the next one is computed from it (and validated by the caller's
 * `next`, which may throw — then nothing is stored), written with the next version, and audited.
 * Once it commits, the repository emits `committed`, so what this instance holds compiled is
 * dropped before the write is answered (read-your-writes on the instance that took it).
 */
@Injectable()
export class FlagsRepository extends EventEmitter<FlagsRepositoryEvents> {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {
    super();
  }

  /**
   * Creates or replaces flag `key` with `next(current, segmentKeys)`. Every segment is locked (FOR
   * SHARE) until the transaction ends, so none the flag refers to can be deleted in between; flag
   * changes are rare enough that locking them all costs nothing worth a finer lock.
   */
  async putFlag(
    key: string,
    actor: string,
    next: (current: FlagDefinition | undefined, segments: ReadonlySet<string>) => FlagDefinition,
  ): Promise<{ flag: StoredFlag; created: boolean }> {
    const written = await withTransaction(this.pool, async (client) => {
      const segments = await client.query<{ key: string }>('SELECT key FROM segments FOR SHARE');
      const { stored: flag, created } = await this.put(
        client,
        'flag',
        key,
        actor,
        (current: FlagDefinition | undefined) => next(current, new Set(segments.rows.map((row) => row.key))),
      );
      return { flag, created };
    });
    this.emit('committed', { kind: 'flag', key, version: written.flag.version });
    return written;
  }

  async putSegment(
    key: string,
    actor: string,
    next: (current: SegmentDefinition | undefined) => SegmentDefinition,
  ): Promise<{ segment: StoredSegment; created: boolean }> {
    const written = await withTransaction(this.pool, async (client) => {
      const { stored: segment, created } = await this.put(client, 'segment', key, actor, next);
      return { segment, created };
    });
    this.emit('committed', { kind: 'segment', key, version: written.segment.version });
    return written;
  }

  private async put<D extends { key: string; enabled?: boolean; description?: string }>(
    client: PoolClient,
    entity: Entity,
    key: string,
    actor: string,
    next: (current: D | undefined) => D,
  ) {
    const table = TABLE[entity];
    const { rows } = await client.query<DefinitionRow<D>>(
      `SELECT ${COLUMNS} FROM ${table} WHERE key = $1 FOR UPDATE`,
      [key],
    );
    const before = rows[0];
    const definition = next(before?.definition);
    const flagColumns = entity === 'flag' ? ', enabled = $3, description = $4' : '';
    const written = before
      ? await client.query<DefinitionRow<D>>(
          `UPDATE ${table} SET definition = $2, version = version + 1, updated_at = now()${flagColumns}
           WHERE key = $1 RETURNING ${COLUMNS}`,
          [key, definition, ...flagValues(entity, definition)],
        )
      : await client.query<DefinitionRow<D>>(
          // A key deleted before starts after its last version, so versions only ever grow per key
          // (an SDK applies a change only if it is newer than what it holds, deletions included).
          entity === 'flag'
            ? `INSERT INTO flags (key, definition, enabled, description, version)
               VALUES ($1, $2, $3, $4, ${NEXT_VERSION('flag')}) RETURNING ${COLUMNS}`
            : `INSERT INTO segments (key, definition, version) VALUES ($1, $2, ${NEXT_VERSION('segment')}) RETURNING ${COLUMNS}`,
          [key, definition, ...flagValues(entity, definition)],
        );
    const after = written.rows[0]!;
    await this.audit(client, entity, key, before ? 'update' : 'create', after.version, actor, before, after);
    await this.event(client, entity, key, after.version, after.definition);
    return { stored: stored(after), created: !before };
  }

  async deleteFlag(key: string, actor: string): Promise<void> {
    const version = await withTransaction(this.pool, (client) => this.remove(client, 'flag', key, actor));
    this.emit('committed', { kind: 'flag', key, version });
  }

  /** Deletes a segment that no flag refers to. */
  async deleteSegment(key: string, actor: string): Promise<void> {
    const version = await withTransaction(this.pool, async (client) => {
      const users = await client.query<{ key: string }>(
        `SELECT key FROM flags
         WHERE jsonb_path_exists(definition, '$.rules[*].conditions[*] ? (@.segment == $k || @.notSegment == $k)',
                                 jsonb_build_object('k', $1::text))
         ORDER BY key COLLATE "C" FOR SHARE`,
        [key],
      );
      if (users.rows.length > 0)
        throw new SegmentInUseError(
          key,
          users.rows.map((row) => row.key),
        );
      return this.remove(client, 'segment', key, actor);
    });
    this.emit('committed', { kind: 'segment', key, version });
  }

  /** Deletes the row and audits it; the deletion's version. */
  private async remove(client: PoolClient, entity: Entity, key: string, actor: string): Promise<number> {
    const { rows } = await client.query<DefinitionRow<unknown>>(
      `DELETE FROM ${TABLE[entity]} WHERE key = $1 RETURNING ${COLUMNS}`,
      [key],
    );
    const before = rows[0];
    if (!before) throw entity === 'flag' ? new FlagNotFoundError(key) : new SegmentNotFoundError(key);
    await this.audit(client, entity, key, 'delete', before.version + 1n, actor, before, undefined);
    await this.event(client, entity, key, before.version + 1n, undefined);
    return Number(before.version + 1n);
  }

  /** The change as the outbox row the publisher sends, then a notification of it, sent at commit. */
  private async event(
    client: PoolClient,
    entity: Entity,
    key: string,
    version: bigint,
    definition: unknown,
  ): Promise<void> {
    await client.query(
      'INSERT INTO flag_events (kind, key, version, deleted, definition) VALUES ($1, $2, $3, $4, $5)',
      [
        entity,
        key,
        version,
        definition === undefined,
        definition === undefined ? null : JSON.stringify(definition),
      ],
    );
    await client.query('SELECT pg_notify($1, $2)', [
      FLAG_EVENTS_CHANNEL,
      changePayload({ kind: entity, key, version: Number(version) }),
    ]);
  }

  private async audit(
    client: PoolClient,
    entity: Entity,
    key: string,
    action: AuditEntryJson['action'],
    version: bigint,
    actor: string,
    before: DefinitionRow<unknown> | undefined,
    after: DefinitionRow<unknown> | undefined,
  ): Promise<void> {
    await client.query(
      `INSERT INTO audit_log (entity, key, action, version, actor, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        entity,
        key,
        action,
        version,
        actor,
        before ? JSON.stringify(before.definition) : null,
        after ? JSON.stringify(after.definition) : null,
      ],
    );
  }

  async findFlag(key: string): Promise<StoredFlag | undefined> {
    const { rows } = await this.pool.query<DefinitionRow<FlagDefinition>>(
      `SELECT ${COLUMNS} FROM flags WHERE key = $1`,
      [key],
    );
    return rows[0] ? stored(rows[0]) : undefined;
  }

  async listFlags(): Promise<StoredFlag[]> {
    // Byte order, the same whatever locale the database was created with ('a-c' before 'ab').
    const { rows } = await this.pool.query<DefinitionRow<FlagDefinition>>(
      `SELECT ${COLUMNS} FROM flags ORDER BY key COLLATE "C"`,
    );
    return rows.map(stored);
  }

  async findSegment(key: string): Promise<StoredSegment | undefined> {
    const { rows } = await this.pool.query<DefinitionRow<SegmentDefinition>>(
      `SELECT ${COLUMNS} FROM segments WHERE key = $1`,
      [key],
    );
    return rows[0] ? stored(rows[0]) : undefined;
  }

  /** The segments with these keys that exist. */
  async findSegments(keys: readonly string[]): Promise<StoredSegment[]> {
    if (keys.length === 0) return [];
    const { rows } = await this.pool.query<DefinitionRow<SegmentDefinition>>(
      `SELECT ${COLUMNS} FROM segments WHERE key = ANY($1::text[])`,
      [keys],
    );
    return rows.map(stored);
  }

  async listSegments(): Promise<StoredSegment[]> {
    const { rows } = await this.pool.query<DefinitionRow<SegmentDefinition>>(
      `SELECT ${COLUMNS} FROM segments ORDER BY key COLLATE "C"`,
    );
    return rows.map(stored);
  }

  /** Every change to one flag or segment, oldest first. */
  async auditLog(entity: Entity, key: string): Promise<AuditEntryJson[]> {
    const { rows } = await this.pool.query<{
      version: bigint;
      action: AuditEntryJson['action'];
      actor: string;
      at: Date;
      before: unknown;
      after: unknown;
    }>(
      'SELECT version, action, actor, at, before, after FROM audit_log WHERE entity = $1 AND key = $2 ORDER BY id',
      [entity, key],
    );
    return rows.map((row) => ({ ...row, version: Number(row.version), at: row.at.toISOString() }));
  }
}

/** The flag columns kept beside the definition, for `SELECT`s that predate definitions. */
function flagValues(entity: Entity, definition: { enabled?: boolean; description?: string }): unknown[] {
  return entity === 'flag' ? [definition.enabled, definition.description ?? null] : [];
}
