import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Res,
  UseGuards,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';

import { InvalidFlagError, validateFlag, type Evaluation } from '@platform/flags';
import { PG_POOL, type Pool } from '@platform/postgres';
import {
  Accepts,
  ACTOR_HEADER,
  actorOf,
  AdminTokenGuard,
  Answers,
  Fails,
  ServiceContext,
  Summary,
  ZodPipe,
} from '@platform/service-kit';

import {
  booleanFlag,
  evaluateSchema,
  flagKeySchema,
  isSwitchOnly,
  switchFlagSchema,
  withUrlKey,
  type EvaluateDto,
} from './dto/put-flag.dto.js';
import { auditAnswerSchema, evaluationAnswerSchema, flagListAnswerSchema } from './dto/flag-answers.js';
import { flagAnswerSchema, flagDefinitionSchema } from './dto/flag-definition.schema.js';
import { CompiledFlags } from './compiled-flags.js';
import { toJson, type AuditEntryJson, type FlagJson } from './flag.js';
import { FlagChangeListener } from './flag-change.listener.js';
import { FlagNotFoundError } from './flag.errors.js';
import { FlagsRepository } from './flags.repository.js';

const keyPipe = () => new ZodPipe(flagKeySchema, 'flag key');

@Controller('flags')
export class FlagsController implements OnApplicationBootstrap, OnApplicationShutdown {
  /** What `evaluate` answers from: each flag compiled once per version, dropped when it changes. */
  private readonly compiled: CompiledFlags;
  /** Changes committed by any instance, from PostgreSQL's NOTIFY. */
  private readonly changes: FlagChangeListener;

  constructor(
    private readonly flags: FlagsRepository,
    @Inject(PG_POOL) pool: Pool,
    context: ServiceContext,
  ) {
    // Built here rather than as providers: this controller is their only user, and the repository's
    // `committed` event reaches them from the segments controller's writes too.
    this.compiled = new CompiledFlags({ source: flags, logger: context.logger });
    this.changes = new FlagChangeListener({ pool, logger: context.logger });
    flags.on('committed', (change) => this.compiled.changed(change));
    this.changes.on('change', (change) => this.compiled.changed(change));
    this.changes.on('resync', () => this.compiled.resync());
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.changes.start();
  }

  onApplicationShutdown(): void {
    this.changes.stop();
  }

  /** `GET /flags` → every flag, by key. */
  @Get()
  @Summary('Every flag')
  @Answers(200, flagListAnswerSchema)
  async list(): Promise<{ flags: FlagJson[] }> {
    return { flags: (await this.flags.listFlags()).map(toJson) };
  }

  /** `GET /flags/{key}` → the flag, or 404. */
  @Get(':key')
  @Summary('A flag')
  @Answers(200, flagAnswerSchema)
  @Fails(404, 'No flag has this key')
  async get(@Param('key', keyPipe()) key: string): Promise<FlagJson> {
    const flag = await this.flags.findFlag(key);
    if (!flag) throw new FlagNotFoundError(key);
    return toJson(flag);
  }

  /**
   * `PUT /flags/{key}` with a whole definition (variants, offVariant, defaultRule, rules…), or with
   * `{enabled, description?}` to flip the kill switch and keep the rest → 201 created, 200 replaced.
   * An invalid definition → 400 listing every problem, and nothing is stored. Admin token.
   */
  @Put(':key')
  @UseGuards(AdminTokenGuard)
  @Summary('Create or replace a flag, or flip its kill switch with {enabled, description?}')
  @Accepts(
    z.union([switchFlagSchema, flagDefinitionSchema]),
    'A whole definition, or `{enabled, description?}` to switch the flag on or off and keep the rest',
  )
  @Answers(201, flagAnswerSchema, { description: 'Created' })
  @Answers(200, flagAnswerSchema, { description: 'Replaced' })
  async put(
    @Param('key', keyPipe()) key: string,
    @Body() body: unknown,
    @Headers(ACTOR_HEADER) actor: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FlagJson> {
    const { flag, created } = await this.flags.putFlag(key, actorOf(actor), (current, segments) => {
      if (isSwitchOnly(body)) {
        const change = new ZodPipe(switchFlagSchema, 'flag').transform(body);
        if (!current) return booleanFlag(key, change);
        return {
          ...current,
          enabled: change.enabled,
          description: change.description ?? current.description,
        };
      }
      const validation = validateFlag(withUrlKey('flag', key, body), { segments });
      if (!validation.ok) throw new InvalidFlagError(key, validation.problems);
      return validation.flag;
    });
    void reply.status(created ? 201 : 200);
    return toJson(flag);
  }

  /** `DELETE /flags/{key}` → 204, or 404. Admin token. */
  @Delete(':key')
  @HttpCode(204)
  @UseGuards(AdminTokenGuard)
  @Summary('Delete a flag')
  @Answers(204)
  @Fails(404, 'No flag has this key')
  async delete(
    @Param('key', keyPipe()) key: string,
    @Headers(ACTOR_HEADER) actor: string | undefined,
  ): Promise<void> {
    await this.flags.deleteFlag(key, actorOf(actor));
  }

  /**
   * `POST /flags/{key}/evaluate {context}` → `{value, variant, reason, …}`: what the flag serves that
   * context, computed by the same core as every SDK, from the flag compiled once per version (see
   * {@link CompiledFlags}): no query while the flag is held, also while the database is down or hung.
   */
  @Post(':key/evaluate')
  @HttpCode(200)
  @Summary('What the flag serves a context, and why')
  @Answers(200, evaluationAnswerSchema)
  @Fails(404, 'No flag has this key')
  async evaluate(
    @Param('key', keyPipe()) key: string,
    @Body(new ZodPipe(evaluateSchema, 'evaluation')) body: EvaluateDto,
  ): Promise<Evaluation & { key: string; version: number }> {
    const { evaluation, version } = await this.compiled.evaluate(key, body.context);
    return { key, version, ...evaluation };
  }

  /** `GET /flags/{key}/audit` → every change to the flag: who, when, before and after. */
  @Get(':key/audit')
  @Summary('Every change to the flag: who, when, before and after')
  @Answers(200, auditAnswerSchema)
  @Fails(404, 'No flag has this key')
  async audit(@Param('key', keyPipe()) key: string): Promise<{ key: string; entries: AuditEntryJson[] }> {
    const entries = await this.flags.auditLog('flag', key);
    if (entries.length === 0) throw new FlagNotFoundError(key);
    return { key, entries };
  }
}
