import { Inject, Injectable } from '@nestjs/common';

import { PG_ERROR, pgConstraint, pgErrorCode, type PoolClient } from '@platform/postgres';
import { ServiceContext } from '@platform/service-kit';
import { isInvalidShardKeyError } from '@platform/sharding';

import { Catalog } from '../catalog/catalog.js';
import { USER_SERVICE_CONFIG } from '../config/config.js';
import type { UserServiceConfig } from '../config/env.schema.js';
import { PhysicalShards } from '../shards/physical-shards.js';
import { FencedError, ShardMovingError, StaleRouteError } from '../shards/shard.errors.js';
import { ShardMapService } from '../shards/shard-map.service.js';
import { crashPoint } from '../shards/crash-points.js';
import { commitPreparedSql, newGid, prepared, rollbackPreparedSql, UNDEFINED_OBJECT } from './two-phase.js';
import { emailKey, type User } from './user.js';
import { DuplicateEmailError, UserNotFoundError, WriteAbandonedError } from './user.errors.js';

interface UserRow {
  id: bigint;
  email: string;
  name: string;
  created_at: Date;
  updated_at: Date;
}

const USER_COLUMNS = 'id, email, name, created_at, updated_at';
/** The same, of `users u` in a join. */
const U_COLUMNS = USER_COLUMNS.split(', ')
  .map((column) => `u.${column}`)
  .join(', ');

/**
 * The statements every request runs, as named (prepared) statements: PostgreSQL plans each once per
 * connection instead of once per call, which on this path costs more than the query itself.
 */
const SQL = {
  userById: { name: 'user-by-id', text: `SELECT ${USER_COLUMNS} FROM users WHERE id = $1` },
  ownedSince: { name: 'owned-since', text: 'SELECT map_version FROM owned_shards WHERE logical_shard = $1' },
  ownership: {
    name: 'lock-ownership',
    text: 'SELECT map_version, fenced FROM owned_shards WHERE logical_shard = $1 FOR SHARE',
  },
  insertUser: {
    name: 'insert-user',
    // The ownership check and its lock are part of the INSERT: no row is written (none returned)
    // unless this shard owns the logical shard at the router's map version and no fence is up.
    text: `INSERT INTO users (id, logical_shard, email, name)
           SELECT $1, $2, $3, $4 FROM owned_shards
           WHERE logical_shard = $2 AND map_version <= $5 AND NOT fenced
           FOR SHARE
           RETURNING ${USER_COLUMNS}`,
  },
  idByEmail: { name: 'id-by-email', text: 'SELECT user_id FROM email_lookup WHERE email = $1' },
  page: {
    name: 'users-page',
    text: `SELECT ${U_COLUMNS} FROM users u JOIN owned_shards o ON o.logical_shard = u.logical_shard
           WHERE u.id > $1 ORDER BY u.id LIMIT $2`,
  },
} as const;

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** How long a write waits for a logical shard's cutover before answering 503. */
const FENCE_WAIT_MS = 5_000;
/** Stale-map refusals in a row before giving up (each one refreshes the map from the catalog). */
const STALE_RETRIES = 5;

export interface UserChanges {
  readonly email?: string;
  readonly name?: string;
}

export interface UserPage {
  readonly users: User[];
  /** The last id of this page when there may be more, for `cursor=` of the next request. */
  readonly nextCursor: bigint | undefined;
}

/**
 * Users on their shards, and the email lookup index in the catalog, kept consistent.
 *
 * Routing: a user's logical shard is in its id; the map says which database holds it. Every write
 * checks, on that database and in its transaction, that it owns the logical shard at the router's
 * map version (`owned_shards`), so a router with a stale map is refused there, refreshes and tries
 * again; a read checks the same when it finds nothing (see {@link findById}).
 *
 * Consistency with the lookup index: a write that changes which email a user holds is a two-phase
 * transaction. The row change is prepared on the shard; then one catalog statement records the
 * decision and changes the lookup index; then the shard commits. A crash at any point leaves either
 * both changes or neither once recovery ({@link InDoubtRecovery}) has looked at the decision.
 */
@Injectable()
export class UserStore {
  constructor(
    @Inject(USER_SERVICE_CONFIG) private readonly config: UserServiceConfig,
    private readonly context: ServiceContext,
    private readonly maps: ShardMapService,
    private readonly shards: PhysicalShards,
    private readonly catalog: Catalog,
  ) {}

  /** The logical shard of a user id; an id naming a logical shard the map does not have is nobody's. */
  logicalShardOf(id: bigint): number {
    try {
      return this.maps.router.logicalShardOf(id);
    } catch (error) {
      if (isInvalidShardKeyError(error)) throw new UserNotFoundError(id);
      throw error;
    }
  }

  async create(user: { id: bigint; email: string; name: string }): Promise<User> {
    const key = emailKey(user.email);
    const gid = newGid();
    const { shard, result } = await this.write(
      this.logicalShardOf(user.id),
      gid,
      async (client, logical, version, shardName) => {
        const { rows } = await client.query<UserRow>({
          ...SQL.insertUser,
          values: [user.id, logical, user.email, user.name, version],
        });
        if (!rows[0]) return this.refused(client, shardName, logical, version);
        return toUser(rows[0]);
      },
      { ownershipInStatement: true },
    );
    // A taken email is found here, by the lookup index's primary key; the prepared row is rolled back.
    await this.decide(shard, gid, user.email, {
      text: `WITH decision AS (
               INSERT INTO user_write_outcomes (gid, outcome) VALUES ($1, 'commit') RETURNING gid)
             INSERT INTO email_lookup (email, user_id) SELECT $2, $3 FROM decision`,
      values: [gid, key, user.id],
    });
    await this.commit(shard, gid);
    return result;
  }

  /**
   * Reads the row where the map says it is. A row found there is the answer; only "not here" is
   * checked against the shard's ownership, since a router with a stale map finds nothing on a shard
   * that gave the logical shard away (its copy is deleted right after the new map is published).
   * The price: for the few milliseconds between that publication and that delete, a stale router
   * can read the moved user as it was when its writes were fenced.
   */
  findById(id: bigint): Promise<User | undefined> {
    let logical: number;
    try {
      logical = this.logicalShardOf(id);
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- logicalShardOf's own error
      return Promise.reject(error);
    }
    // The hot path of every read: one query through the shard's breaker, no async frames around it.
    return this.routed(logical, (shard, version) =>
      this.shards
        .query<UserRow>(shard, { name: SQL.userById.name, text: SQL.userById.text, values: [id] })
        .then(({ rows }) => (rows[0] ? toUser(rows[0]) : this.notHere(shard, logical, version))),
    );
  }

  /** Nobody with that id on `shard`: the answer, unless the shard no longer owns `logical`. */
  private async notHere(shard: string, logical: number, version: number): Promise<undefined> {
    const owned = await this.shards.query<{ map_version: bigint }>(shard, {
      ...SQL.ownedSince,
      values: [logical],
    });
    const since = owned.rows[0]?.map_version;
    if (since === undefined || since > BigInt(version)) throw new StaleRouteError(shard, logical, version);
    return undefined;
  }

  async findByEmail(email: string): Promise<User | undefined> {
    const key = emailKey(email);
    const { rows } = await this.catalog.query((pool) =>
      pool.query<{ user_id: bigint }>({ ...SQL.idByEmail, values: [key] }),
    );
    if (!rows[0]) return undefined;
    const user = await this.findById(rows[0].user_id);
    // A lookup entry whose row is not committed yet (a write in doubt) finds nobody.
    return user && emailKey(user.email) === key ? user : undefined;
  }

  async update(id: bigint, changes: UserChanges): Promise<User> {
    const logical = this.logicalShardOf(id);
    const setName = changes.name !== undefined;
    const apply = async (client: PoolClient, newEmail: string | undefined) => {
      const { rows } = await client.query<UserRow>(
        `UPDATE users SET email = coalesce($2, email), name = coalesce($3, name), updated_at = now()
         WHERE id = $1 RETURNING ${USER_COLUMNS}`,
        [id, newEmail ?? null, setName ? changes.name : null],
      );
      if (!rows[0]) throw new UserNotFoundError(id);
      return toUser(rows[0]);
    };
    if (changes.email === undefined) {
      return (await this.write(logical, undefined, (client) => apply(client, undefined))).result;
    }
    const newEmail = changes.email;
    const newKey = emailKey(newEmail);
    const gid = newGid();
    const { shard, result } = await this.write(logical, gid, async (client) => {
      const { rows } = await client.query<{ email: string }>(
        'SELECT email FROM users WHERE id = $1 FOR UPDATE',
        [id],
      );
      if (!rows[0]) throw new UserNotFoundError(id);
      return { oldKey: emailKey(rows[0].email), user: await apply(client, newEmail) };
    });
    if (result.oldKey === newKey) {
      // Only the letter case changed: the lookup key is the same, nothing to decide.
      await this.commitUndecided(shard, gid);
      return result.user;
    }
    await this.decide(shard, gid, newEmail, {
      text: `WITH decision AS (
               INSERT INTO user_write_outcomes (gid, outcome) VALUES ($1, 'commit') RETURNING gid),
             added AS (INSERT INTO email_lookup (email, user_id) SELECT $2, $3 FROM decision)
             DELETE FROM email_lookup WHERE email = $4 AND user_id = $3 AND EXISTS (SELECT 1 FROM decision)`,
      values: [gid, newKey, id, result.oldKey],
    });
    await this.commit(shard, gid);
    return result.user;
  }

  async delete(id: bigint): Promise<void> {
    const gid = newGid();
    const { shard, result: email } = await this.write(this.logicalShardOf(id), gid, async (client) => {
      const { rows } = await client.query<{ email: string }>(
        'DELETE FROM users WHERE id = $1 RETURNING email',
        [id],
      );
      if (!rows[0]) throw new UserNotFoundError(id);
      return rows[0].email;
    });
    await this.decide(shard, gid, email, {
      text: `WITH decision AS (
               INSERT INTO user_write_outcomes (gid, outcome) VALUES ($1, 'commit') RETURNING gid)
             DELETE FROM email_lookup WHERE email = $2 AND user_id = $3 AND EXISTS (SELECT 1 FROM decision)`,
      values: [gid, emailKey(email), id],
    });
    await this.commit(shard, gid);
  }

  /**
   * Users in id order (ids grow with time), after `cursor`: every shard is asked for its next
   * `limit` owned rows at once and the answers are merged. A user being moved is owned by two
   * shards for a moment, so duplicates are dropped.
   */
  async list(limit: number, cursor: bigint): Promise<UserPage> {
    const map = this.maps.map;
    const pages = await Promise.all(
      map.shards.map((shard) =>
        this.shards.beside(shard.name, async (pool) => {
          const { rows } = await pool.query<UserRow>({ ...SQL.page, values: [cursor, limit] });
          return rows;
        }),
      ),
    );
    const merged = new Map<bigint, UserRow>();
    for (const row of pages.flat()) merged.set(row.id, row);
    const users = [...merged.values()]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit)
      .map(toUser);
    const full = users.length === limit;
    return { users, nextCursor: full ? users.at(-1)!.id : undefined };
  }

  /**
   * A write on the logical shard's owner: committed at once without `gid`, prepared as `gid` with
   * one (the caller then decides and commits). Waits out a cutover fence, follows a moved shard.
   */
  private async write<T>(
    logical: number,
    gid: string | undefined,
    fn: (client: PoolClient, logical: number, version: number, shard: string) => Promise<T>,
    { ownershipInStatement = false } = {},
  ): Promise<{ shard: string; result: T }> {
    return this.routed(logical, async (shard, version) => {
      const run = async (client: PoolClient) => {
        if (!ownershipInStatement) await this.checkOwnership(client, shard, logical, version);
        return fn(client, logical, version, shard);
      };
      const result = gid
        ? await this.shards.run(shard, async (pool) => {
            const client = await pool.connect();
            try {
              return await prepared(client, gid, run);
            } finally {
              client.release();
            }
          })
        : await this.shards.transaction(shard, run);
      if (gid) crashPoint(this.config, 'after-prepare');
      return { shard, result };
    });
  }

  /** Why a write that checked ownership in its own statement wrote nothing: always throws. */
  private async refused(client: PoolClient, shard: string, logical: number, version: number): Promise<never> {
    await this.checkOwnership(client, shard, logical, version);
    // Owned and not fenced now: the fence came down between the two statements. Try again.
    throw new FencedError(logical);
  }

  /**
   * Locks the logical shard's ownership row for the rest of the transaction (a cutover's fence
   * waits for it) and checks this shard owns it at `version`.
   */
  private async checkOwnership(
    client: PoolClient,
    shard: string,
    logical: number,
    version: number,
  ): Promise<void> {
    const { rows } = await client.query<{ map_version: bigint; fenced: boolean }>({
      ...SQL.ownership,
      values: [logical],
    });
    const owned = rows[0];
    if (!owned || owned.map_version > BigInt(version)) throw new StaleRouteError(shard, logical, version);
    if (owned.fenced) throw new FencedError(logical);
  }

  /**
   * Runs `op` on the shard the map names for `logical`. The first try is a plain call (this is every
   * request's path); refusals — a stale map, a cutover's fence — are handled in {@link rerouted}.
   */
  private routed<T>(logical: number, op: (shard: string, version: number) => Promise<T>): Promise<T> {
    const map = this.maps.map;
    return op(map.physicalOf(logical).name, map.version).catch((error: unknown) =>
      this.rerouted(logical, op, error),
    );
  }

  private async rerouted<T>(
    logical: number,
    op: (shard: string, version: number) => Promise<T>,
    first: unknown,
  ): Promise<T> {
    const fenceDeadline = Date.now() + FENCE_WAIT_MS;
    let error = first;
    for (let stale = 0; ;) {
      if (error instanceof StaleRouteError) {
        if (++stale > STALE_RETRIES) throw new ShardMovingError(logical);
        const moved = await this.maps.refresh();
        if (!moved) await sleep(20 * stale);
      } else if (error instanceof FencedError) {
        if (Date.now() > fenceDeadline) throw new ShardMovingError(logical);
        await sleep(10);
      } else {
        throw error;
      }
      const map = this.maps.map;
      try {
        return await op(map.physicalOf(logical).name, map.version);
      } catch (next) {
        error = next;
      }
    }
  }

  /**
   * Records the decision and the lookup change in one catalog statement. Refused because the email
   * is taken, or because recovery gave the prepared transaction up: the shard change is rolled
   * back. Failed without an answer: it stays in doubt, and recovery settles it either way.
   */
  private async decide(
    shard: string,
    gid: string,
    email: string,
    statement: { text: string; values: unknown[] },
  ): Promise<void> {
    try {
      await this.catalog.query((pool) => pool.query(statement.text, statement.values));
    } catch (error) {
      if (pgErrorCode(error) === PG_ERROR.uniqueViolation) {
        await this.rollback(shard, gid);
        if (pgConstraint(error) === 'email_lookup_pkey') throw new DuplicateEmailError(email);
        throw new WriteAbandonedError();
      }
      throw error;
    }
    crashPoint(this.config, 'after-decision');
  }

  /** Commits a decided transaction; if the shard is unreachable now, recovery commits it later. */
  private async commit(shard: string, gid: string): Promise<void> {
    try {
      await this.shards.run(shard, (pool) => pool.query(commitPreparedSql(gid)));
    } catch (error) {
      if (pgErrorCode(error) === UNDEFINED_OBJECT) return; // recovery committed it already
      this.context.logger.warn(
        { shard, gid, err: error },
        'a decided user write could not be committed now; in-doubt recovery will commit it',
      );
    }
    // The decision stays in the catalog: in-doubt recovery drops decisions once no shard has their
    // transaction prepared, in bulk, rather than one more commit per write here.
  }

  private async rollback(shard: string, gid: string): Promise<void> {
    await this.shards.run(shard, (pool) => pool.query(rollbackPreparedSql(gid))).catch(() => undefined);
  }

  /** An email change that keeps the lookup key: nothing to record in the catalog, so just commit. */
  private async commitUndecided(shard: string, gid: string): Promise<void> {
    await this.shards.run(shard, (pool) => pool.query(commitPreparedSql(gid)));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
