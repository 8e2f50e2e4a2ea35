import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Put, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { InvalidSegmentError, validateSegment } from '@platform/flags';
import {
  Accepts,
  ACTOR_HEADER,
  actorOf,
  AdminTokenGuard,
  Answers,
  Fails,
  Summary,
  ZodPipe,
} from '@platform/service-kit';

import { segmentListAnswerSchema } from './dto/flag-answers.js';
import { segmentAnswerSchema, segmentDefinitionSchema } from './dto/flag-definition.schema.js';
import { flagKeySchema, withUrlKey } from './dto/put-flag.dto.js';
import { segmentToJson, type SegmentJson } from './flag.js';
import { SegmentNotFoundError } from './flag.errors.js';
import { FlagsRepository } from './flags.repository.js';

const keyPipe = () => new ZodPipe(flagKeySchema, 'segment key');

/** Reusable groups of users that flag rules refer to (`{"segment": "beta-testers"}`). */
@Controller('segments')
export class SegmentsController {
  constructor(private readonly flags: FlagsRepository) {}

  @Get()
  @Summary('Every segment')
  @Answers(200, segmentListAnswerSchema)
  async list(): Promise<{ segments: SegmentJson[] }> {
    return { segments: (await this.flags.listSegments()).map(segmentToJson) };
  }

  @Get(':key')
  @Summary('A segment')
  @Answers(200, segmentAnswerSchema)
  @Fails(404, 'No segment has this key')
  async get(@Param('key', keyPipe()) key: string): Promise<SegmentJson> {
    const segment = await this.flags.findSegment(key);
    if (!segment) throw new SegmentNotFoundError(key);
    return segmentToJson(segment);
  }

  /** `PUT /segments/{key} {includedUserIds?, excludedUserIds?, conditions?, description?}`. Admin token. */
  @Put(':key')
  @UseGuards(AdminTokenGuard)
  @Summary('Create or replace a segment')
  @Accepts(segmentDefinitionSchema)
  @Answers(201, segmentAnswerSchema, { description: 'Created' })
  @Answers(200, segmentAnswerSchema, { description: 'Replaced' })
  async put(
    @Param('key', keyPipe()) key: string,
    @Body() body: unknown,
    @Headers(ACTOR_HEADER) actor: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SegmentJson> {
    const { segment, created } = await this.flags.putSegment(key, actorOf(actor), () => {
      const validation = validateSegment(withUrlKey('segment', key, body));
      if (!validation.ok) throw new InvalidSegmentError(key, validation.problems);
      return validation.segment;
    });
    void reply.status(created ? 201 : 200);
    return segmentToJson(segment);
  }

  /** `DELETE /segments/{key}` → 204; 409 while a flag refers to it; 404. Admin token. */
  @Delete(':key')
  @HttpCode(204)
  @UseGuards(AdminTokenGuard)
  @Summary('Delete a segment')
  @Answers(204)
  @Fails(404, 'No segment has this key')
  @Fails(409, 'A flag refers to the segment')
  async delete(
    @Param('key', keyPipe()) key: string,
    @Headers(ACTOR_HEADER) actor: string | undefined,
  ): Promise<void> {
    await this.flags.deleteSegment(key, actorOf(actor));
  }
}
