import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';

import {
  AdminTokenGuard,
  Answers,
  Fails,
  FaultsDisabledError,
  ServiceContext,
  Summary,
  ZodPipe,
} from '@platform/service-kit';

import { ClockControl } from './clock-control.js';
import { clockOffsetAnswerSchema, decodedIdSchema, issuedIdsSchema } from './id-answers.js';
import { ShardRequiredError } from './id.errors.js';
import { ID_ISSUERS, type IdIssuer } from './id-issuer.js';
import { issueQuerySchema, kindParamSchema, type IdKind, type IssueQuery } from './id-kinds.js';

const clockOffsetSchema = z
  .object({
    offsetMs: z
      .number({ error: 'must be a number of milliseconds' })
      .int('must be a whole number of milliseconds')
      .min(-3_600_000, 'must be at least -3600000')
      .max(3_600_000, 'must be at most 3600000'),
  })
  .strict();

@Controller()
export class IdsController {
  private readonly issuers: ReadonlyMap<IdKind, IdIssuer>;

  constructor(
    @Inject(ID_ISSUERS) issuers: readonly IdIssuer[],
    private readonly clock: ClockControl,
    private readonly context: ServiceContext,
  ) {
    this.issuers = new Map(issuers.map((issuer) => [issuer.kind, issuer]));
  }

  /**
   * `POST /ids/{kind}?count=N` (N 1..10000, default 1; instagram also takes `shard` 0..8191) →
   * `{"ids": [...]}`. 64-bit ids travel as decimal strings: they exceed JavaScript's 2^53.
   */
  @Post('ids/:kind')
  @HttpCode(200)
  @Summary(
    'Issue 1 to 10,000 unique ids of a kind (snowflake, instagram with a shard, objectid, ulid, uuidv7)',
  )
  @Answers(200, issuedIdsSchema)
  @Fails(503, 'No worker id leased yet (snowflake), or the clock stepped back further than it waits out')
  async issue(
    @Param('kind', new ZodPipe(kindParamSchema, 'id kind')) kind: IdKind,
    @Query(new ZodPipe(issueQuerySchema, 'query')) query: IssueQuery,
  ): Promise<{ ids: string[] }> {
    if (kind !== 'instagram' && query.shard !== undefined) throw new ShardRequiredError(kind, true);
    return { ids: await this.issuer(kind).issue(query) };
  }

  /** `GET /ids/{kind}/{id}` → the id's parts: its time (ISO 8601), and worker, shard, counter... */
  @Get('ids/:kind/:id')
  @Summary("An id's parts: its time, and its worker, shard or counter")
  @Answers(200, decodedIdSchema)
  decode(
    @Param('kind', new ZodPipe(kindParamSchema, 'id kind')) kind: IdKind,
    @Param('id') id: string,
  ): Record<string, unknown> {
    return { kind, id, ...this.issuer(kind).decode(id) };
  }

  /**
   * `PUT /admin/clock {"offsetMs": -5000}` shifts the clock the generators read, to show what a
   * clock stepped back does (a small step is waited out, a large one refused). Admin token and
   * FAULTS_ENABLED=true required.
   */
  @Put('admin/clock')
  @UseGuards(AdminTokenGuard)
  @Summary("Shift the generators' clock, to watch a clock stepped back be waited out or refused")
  @Answers(200, clockOffsetAnswerSchema)
  @Fails(404, 'Fault injection is off on this instance (FAULTS_ENABLED is not true)')
  setClock(@Body(new ZodPipe(clockOffsetSchema, 'clock offset')) body: z.output<typeof clockOffsetSchema>): {
    offsetMs: number;
  } {
    if (!this.context.config.FAULTS_ENABLED) throw new FaultsDisabledError();
    this.context.logger.warn(
      { before: this.clock.offset, after: body.offsetMs },
      'id generator clock offset changed',
    );
    this.clock.setOffset(body.offsetMs);
    return { offsetMs: body.offsetMs };
  }

  private issuer(kind: IdKind): IdIssuer {
    return this.issuers.get(kind)!;
  }
}
