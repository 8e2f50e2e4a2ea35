import { Injectable } from '@nestjs/common';

import type { CreateUserDto } from './dto/create-user.dto.js';
import { IdClient } from './id-client.js';
import type { User } from './user.js';
import { UserNotFoundError } from './user.errors.js';
import { UsersRepository } from './users.repository.js';

@Injectable()
export class UsersService {
  constructor(
    private readonly ids: IdClient,
    private readonly users: UsersRepository,
  ) {}

  async create(input: CreateUserDto): Promise<User> {
    const id = await this.ids.nextId();
    return this.users.insert({ id, email: input.email, name: input.name });
  }

  async get(id: bigint): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw new UserNotFoundError(id);
    return user;
  }
}
