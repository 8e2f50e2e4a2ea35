import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';

import { AdminTokenGuard, ZodPipe } from '@platform/service-kit';

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
  start(
    @Body(new ZodPipe(reshardRequestSchema, 'reshard request')) body: ReshardRequest,
  ): Promise<ReshardJob> {
    return this.resharder.start(body);
  }

  /** `GET /admin/reshard/{id}` → the job and the state of each logical shard it moves. */
  @Get(':id')
  job(@Param('id', new ZodPipe(reshardJobIdSchema, 'job id')) id: string): Promise<ReshardJob> {
    return this.resharder.job(id);
  }
}
