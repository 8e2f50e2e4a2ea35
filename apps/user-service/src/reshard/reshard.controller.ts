import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';

import { AdminTokenGuard, Answers, Fails, Summary, ZodPipe } from '@platform/service-kit';

import { reshardJobAnswerSchema } from './reshard-answer.js';
import { reshardJobIdSchema, reshardRequestSchema, type ReshardRequest } from './reshard.dto.js';
import { Resharder, type ReshardJob } from './resharder.js';

@Controller('admin/reshard')
@UseGuards(AdminTokenGuard)
export class ReshardController {
  constructor(private readonly resharder: Resharder) {}

  /**
   * `POST /admin/reshard {target, source?, limit?}` → 202 with the job: half of `source`'s logical
   * shards (or the first `limit` of them) move to `target`, one at a time, while users keep writing.
   */
  @Post()
  @HttpCode(202)
  @Summary('Move logical shards onto another shard database while users keep writing')
  @Answers(202, reshardJobAnswerSchema, { description: 'Started; follow it with GET /admin/reshard/{id}' })
  @Fails(409, 'A resharding job is already running')
  start(
    @Body(new ZodPipe(reshardRequestSchema, 'reshard request')) body: ReshardRequest,
  ): Promise<ReshardJob> {
    return this.resharder.start(body);
  }

  /** `GET /admin/reshard/{id}` → the job and the state of each logical shard it moves. */
  @Get(':id')
  @Summary('A resharding job, and the state of each logical shard it moves')
  @Answers(200, reshardJobAnswerSchema)
  @Fails(404, 'No resharding job has this id')
  job(@Param('id', new ZodPipe(reshardJobIdSchema, 'job id')) id: string): Promise<ReshardJob> {
    return this.resharder.job(id);
  }
}
