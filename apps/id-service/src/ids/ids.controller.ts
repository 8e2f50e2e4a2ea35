import { Controller, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { z } from 'zod';

import { ZodPipe } from '@platform/service-kit';

import { issueQuerySchema, kindParamSchema, type IdKind } from './id-kinds.js';
import { SnowflakeService } from './snowflake.service.js';

/** 64-bit ids exceed JavaScript's 2^53, so they travel as decimal strings in JSON. */
interface IssuedIds {
  readonly ids: string[];
}

@Controller('ids')
export class IdsController {
  constructor(private readonly snowflake: SnowflakeService) {}

  /** `POST /ids/snowflake?count=N` (1..10000, default 1) → `{"ids": ["...", ...]}`. */
  @Post(':kind')
  @HttpCode(200)
  issue(
    @Param('kind', new ZodPipe(kindParamSchema, 'id kind')) _kind: IdKind,
    @Query(new ZodPipe(issueQuerySchema, 'query')) query: z.output<typeof issueQuerySchema>,
  ): IssuedIds {
    return { ids: this.snowflake.next(query.count).map(String) };
  }
}
