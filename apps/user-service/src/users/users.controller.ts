import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { ZodPipe } from '@platform/service-kit';

import { createUserSchema, userIdParamSchema, type CreateUserDto } from './dto/create-user.dto.js';
import { toJson, type UserJson } from './user.js';
import { UsersService } from './users.service.js';

@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  /** `POST /users {email, name}` → 201 with the user; 400 for bad input, 409 for a taken email. */
  @Post()
  @HttpCode(201)
  async create(
    @Body(new ZodPipe(createUserSchema, 'user')) body: CreateUserDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserJson> {
    const user = toJson(await this.users.create(body));
    void reply.header('location', `/users/${user.id}`);
    return user;
  }

  /** `GET /users/{id}` → the user, or 404. */
  @Get(':id')
  async get(@Param('id', new ZodPipe(userIdParamSchema, 'user id')) id: bigint): Promise<UserJson> {
    return toJson(await this.users.get(id));
  }
}
