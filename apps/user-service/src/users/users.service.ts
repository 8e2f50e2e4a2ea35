import { Injectable } from '@nestjs/common';

import { logicalShardOf } from '@platform/sharding';

import { ShardMapService } from '../shards/shard-map.service.js';
import type { CreateUserDto, ListUsersQuery, UpdateUserDto } from './dto/user.dto.js';
import { IdClient } from './id-client.js';
import { emailKey, type User } from './user.js';
import { UserNotFoundError } from './user.errors.js';
import { UserStore, type UserPage } from './user-store.js';

@Injectable()
export class UsersService {
  constructor(
    private readonly ids: IdClient,
    private readonly store: UserStore,
    private readonly maps: ShardMapService,
  ) {}

  async create(input: CreateUserDto): Promise<User> {
    // The id is issued on the email's logical shard: reads by id then need no lookup.
    const id = await this.ids.nextId(logicalShardOf(emailKey(input.email), this.maps.map.logicalShards));
    return this.store.create({ id, email: input.email, name: input.name });
  }

  async get(id: bigint): Promise<User> {
    const user = await this.store.findById(id);
    if (!user) throw new UserNotFoundError(id);
    return user;
  }

  async getByEmail(email: string): Promise<User> {
    const user = await this.store.findByEmail(email);
    if (!user) throw new UserNotFoundError(email);
    return user;
  }

  update(id: bigint, changes: UpdateUserDto): Promise<User> {
    return this.store.update(id, changes);
  }

  delete(id: bigint): Promise<void> {
    return this.store.delete(id);
  }

  list(query: ListUsersQuery): Promise<UserPage> {
    return this.store.list(query.limit, query.cursor ?? 0n);
  }
}
