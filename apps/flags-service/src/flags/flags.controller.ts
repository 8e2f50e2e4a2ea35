import { Body, Controller, Get, Param, Put, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { ZodPipe } from '@platform/service-kit';

import { flagKeySchema, putFlagSchema, type PutFlagDto } from './dto/put-flag.dto.js';
import { toJson, type FlagJson } from './flag.js';
import { FlagNotFoundError } from './flag.errors.js';
import { FlagsRepository } from './flags.repository.js';

@Controller('flags')
export class FlagsController {
  constructor(private readonly flags: FlagsRepository) {}

  /** `GET /flags` → every flag, by key. */
  @Get()
  async list(): Promise<{ flags: FlagJson[] }> {
    return { flags: (await this.flags.list()).map(toJson) };
  }

  /** `GET /flags/{key}` → the flag, or 404. */
  @Get(':key')
  async get(@Param('key', new ZodPipe(flagKeySchema, 'flag key')) key: string): Promise<FlagJson> {
    const flag = await this.flags.find(key);
    if (!flag) throw new FlagNotFoundError(key);
    return toJson(flag);
  }

  /** `PUT /flags/{key} {enabled, description?}` → 201 when created, 200 when replaced. */
  @Put(':key')
  async put(
    @Param('key', new ZodPipe(flagKeySchema, 'flag key')) key: string,
    @Body(new ZodPipe(putFlagSchema, 'flag')) body: PutFlagDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FlagJson> {
    const { flag, created } = await this.flags.upsert(key, body.enabled, body.description);
    void reply.status(created ? 201 : 200);
    return toJson(flag);
  }
}
