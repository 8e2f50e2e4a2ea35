import { Injectable } from '@nestjs/common';

import { PG_ERROR, pgErrorCode } from '@platform/postgres';

import { UserShards } from '../shards/user-shards.js';
import type { User } from './user.js';
import { DuplicateEmailError } from './user.errors.js';

interface UserRow {
  id: bigint;
  email: string;
  name: string;
  created_at: Date;
}

function toUser(row: UserRow): User {
  return { id: row.id, email: row.email, name: row.name, createdAt: row.created_at };
}

/** User rows, on the shard the router picks for each id. */
@Injectable()
export class UsersRepository {
  constructor(private readonly shards: UserShards) {}

  async insert(user: Omit<User, 'createdAt'>): Promise<User> {
    const pool = this.shards.pool(this.shards.router.shardFor(user.id));
    try {
      const { rows } = await pool.query<UserRow>(
        'INSERT INTO users (id, email, name) VALUES ($1, $2, $3) RETURNING id, email, name, created_at',
        [user.id, user.email, user.name],
      );
      return toUser(rows[0]!);
    } catch (error) {
      if (pgErrorCode(error) === PG_ERROR.uniqueViolation) throw new DuplicateEmailError(user.email);
      throw error;
    }
  }

  async findById(id: bigint): Promise<User | undefined> {
    const pool = this.shards.pool(this.shards.router.shardFor(id));
    const { rows } = await pool.query<UserRow>(
      'SELECT id, email, name, created_at FROM users WHERE id = $1',
      [id],
    );
    return rows[0] ? toUser(rows[0]) : undefined;
  }
}
