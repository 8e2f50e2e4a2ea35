import { Inject, Injectable } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';

import { SnowflakeGenerator } from '@platform/ids';
import { ServiceContext } from '@platform/service-kit';

import { ID_SERVICE_CONFIG } from '../config/config.js';
import type { IdServiceConfig } from '../config/env.schema.js';
import { WorkerLeaseService, type HeldLease } from '../leases/worker-lease.service.js';

export const ID_METRIC = {
  issued: 'ids_issued_total',
  sequenceWaits: 'ids_sequence_waits_total',
  clockRefusals: 'ids_clock_backwards_refusals_total',
} as const;

/**
 * Issues Snowflake ids under the worker id this instance leases. Each new lease gets a fresh
 * generator that will not issue at or below the previous holder's fence.
 */
@Injectable()
export class SnowflakeService {
  private generator: SnowflakeGenerator | undefined;
  private generatorLease: HeldLease | undefined;
  private lastIssuedMs = 0;
  private readonly issued: Counter<'kind'>;
  private readonly waits: Counter;
  private readonly refusals: Counter;

  constructor(
    private readonly lease: WorkerLeaseService,
    @Inject(ID_SERVICE_CONFIG) private readonly config: IdServiceConfig,
    context: ServiceContext,
  ) {
    const registry: Registry = context.metrics;
    this.issued = new Counter({
      name: ID_METRIC.issued,
      help: 'Ids issued, by kind.',
      labelNames: ['kind'],
      registers: [registry],
    });
    this.waits = new Counter({
      name: ID_METRIC.sequenceWaits,
      help: 'Times a generator used up its sequence within a millisecond and waited for the next one.',
      registers: [registry],
    });
    this.refusals = new Counter({
      name: ID_METRIC.clockRefusals,
      help: 'Requests refused because the clock moved back further than may be waited out.',
      registers: [registry],
    });
    lease.setFenceSource(() => this.lastIssuedMs);
  }

  /** `count` new ids, in increasing order. */
  next(count: number): bigint[] {
    const generator = this.generatorFor(this.lease.current());
    const before = generator.stats.sequenceWaits;
    try {
      const ids = generator.nextBatch(count);
      this.lastIssuedMs = Date.now();
      this.issued.inc({ kind: 'snowflake' }, count);
      return ids;
    } catch (error) {
      if ((error as { code?: string }).code === 'clock_moved_backwards') this.refusals.inc();
      throw error;
    } finally {
      this.waits.inc(generator.stats.sequenceWaits - before);
    }
  }

  private generatorFor(lease: HeldLease): SnowflakeGenerator {
    if (this.generator && this.generatorLease === lease) return this.generator;
    const generator = new SnowflakeGenerator({
      datacenterId: lease.datacenterId,
      workerId: lease.workerId,
      maxBackwardWaitMs: this.config.MAX_CLOCK_BACKWARD_MS,
    });
    generator.startAfter(lease.notBeforeMs);
    this.generator = generator;
    this.generatorLease = lease;
    return generator;
  }
}
