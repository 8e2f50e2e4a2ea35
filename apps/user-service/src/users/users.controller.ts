import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { Answers, Fails, Summary, ZodPipe } from '@platform/service-kit';

import {
  createUserSchema,
  listUsersQuerySchema,
  updateUserSchema,
  userIdParamSchema,
  type CreateUserDto,
  type ListUsersQuery,
  type UpdateUserDto,
} from './dto/user.dto.js';
import { userAnswerSchema, userListAnswerSchema } from './dto/user-answers.js';
import { toJson, type UserJson } from './user.js';
import { UsersService } from './users.service.js';

export interface UserListJson {
  readonly users: UserJson[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  /** `POST /users {email, name}` → 201 with the user; 400 for bad input, 409 for a taken email. */
  @Post()
  @HttpCode(201)
  @Summary('Create a user, on the shard its new id maps to')
  @Answers(201, userAnswerSchema, { description: 'Created; `location` names it' })
  @Fails(409, 'The email is taken')
  async create(
    @Body(new ZodPipe(createUserSchema, 'user')) body: CreateUserDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserJson> {
    const user = toJson(await this.users.create(body));
    void reply.header('location', `/users/${user.id}`);
    return user;
  }

  /**
   * `GET /users?email=` → `{users: [the user]}` or 404; `GET /users?limit=&cursor=` → one page of
   * every user in id order, gathered from all shards, with the cursor of the next page.
   */
  @Get()
  @Summary('Find the user with an email, or list every user in id order, a page at a time, from all shards')
  @Answers(200, userListAnswerSchema)
  @Fails(404, 'No user has this email (`?email=`)')
  async list(
    @Query(new ZodPipe(listUsersQuerySchema, 'query')) query: ListUsersQuery,
  ): Promise<UserListJson> {
    if (query.email !== undefined) {
      return { users: [toJson(await this.users.getByEmail(query.email))], nextCursor: null };
    }
    const page = await this.users.list(query);
    return { users: page.users.map(toJson), nextCursor: page.nextCursor?.toString() ?? null };
  }

  /** `GET /users/{id}` → the user, or 404. */
  @Get(':id')
  @Summary('A user')
  @Answers(200, userAnswerSchema)
  @Fails(404, 'No user has this id')
  async get(@Param('id', new ZodPipe(userIdParamSchema, 'user id')) id: bigint): Promise<UserJson> {
    return toJson(await this.users.get(id));
  }

  /** `PATCH /users/{id} {email?, name?}` → the updated user; 409 if the new email is taken. */
  @Patch(':id')
  @Summary("Change a user's email or name")
  @Answers(200, userAnswerSchema)
  @Fails(404, 'No user has this id')
  @Fails(409, 'The new email is taken')
  async update(
    @Param('id', new ZodPipe(userIdParamSchema, 'user id')) id: bigint,
    @Body(new ZodPipe(updateUserSchema, 'user')) body: UpdateUserDto,
  ): Promise<UserJson> {
    return toJson(await this.users.update(id, body));
  }

  /** `DELETE /users/{id}` → 204, or 404. */
  @Delete(':id')
  @HttpCode(204)
  @Summary('Delete a user')
  @Answers(204)
  @Fails(404, 'No user has this id')
  async delete(@Param('id', new ZodPipe(userIdParamSchema, 'user id')) id: bigint): Promise<void> {
    await this.users.delete(id);
  }
}
