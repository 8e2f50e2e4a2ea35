import { Body, Controller, Get, Headers, Put, UseGuards } from '@nestjs/common';
import { z } from 'zod';

import {
  ACTOR_HEADER,
  actorOf,
  AdminTokenGuard,
  Answers,
  MAX_INSTANCE_WEIGHT,
  MIN_INSTANCE_WEIGHT,
  ServiceContext,
  Summary,
  ZodPipe,
} from '@platform/service-kit';

import { WEIGHT_METADATA_KEY } from '../service-instance.js';
import { RegistrationMetadata } from './registration-metadata.js';

const range = `must be a whole number from ${MIN_INSTANCE_WEIGHT} to ${MAX_INSTANCE_WEIGHT}`;

export const weightChangeSchema = z
  .object({
    weight: z.number(range).int(range).min(MIN_INSTANCE_WEIGHT, range).max(MAX_INSTANCE_WEIGHT, range),
  })
  .strict();

/** How long a change waits for Kafka to take the new record before it answers anyway. */
const PUBLISH_WAIT_MS = 2_000;

/** The body of `GET` and `PUT /admin/weight`. */
export interface WeightView {
  readonly instanceId: string;
  /** Its weight for callers that pick with weighted round robin (1 unless set). */
  readonly weight: number;
  /** After a change: whether the registry had the new record when the answer was sent. */
  readonly announced?: boolean;
}

const weightViewSchema = z.object({
  instanceId: z.string(),
  weight: z
    .number()
    .int()
    .describe('Its weight for callers that pick with weighted round robin (1 unless set).'),
  announced: z
    .boolean()
    .optional()
    .describe('After a change: whether the registry had the new record when the answer was sent.'),
}) satisfies z.ZodType<WeightView>;

/**
 * `GET|PUT /admin/weight` on an instance: its weight for weighted round robin, as announced in the
 * registry (metadata `weight`; INSTANCE_WEIGHT at start). A change is published at once, so callers
 * pick by it within a registry fetch, and lasts until the instance stops. Admin token required.
 */
@Controller('admin/weight')
@UseGuards(AdminTokenGuard)
export class InstanceWeightController {
  constructor(
    private readonly metadata: RegistrationMetadata,
    private readonly context: ServiceContext,
  ) {}

  @Get()
  @Summary("This instance's weight for weighted round robin")
  @Answers(200, weightViewSchema)
  get(): WeightView {
    return { instanceId: this.context.instanceId, weight: this.current() };
  }

  @Put()
  @Summary("Change this instance's weight, announced in the registry at once")
  @Answers(200, weightViewSchema)
  async put(
    @Body(new ZodPipe(weightChangeSchema, 'body')) change: z.infer<typeof weightChangeSchema>,
    @Headers(ACTOR_HEADER) actor: string | undefined,
  ): Promise<WeightView> {
    const by = actorOf(actor);
    const before = this.current();
    const announced = await this.metadata.change(WEIGHT_METADATA_KEY, String(change.weight), PUBLISH_WAIT_MS);
    this.context.logger.info(
      { before, after: change.weight, actor: by, announced },
      announced
        ? `weight changed from ${before} to ${change.weight}`
        : `weight changed from ${before} to ${change.weight}; Kafka has not taken the record yet, the heartbeats keep sending it`,
    );
    return { instanceId: this.context.instanceId, weight: change.weight, announced };
  }

  private current(): number {
    return Number(this.metadata.get(WEIGHT_METADATA_KEY) ?? 1);
  }
}
