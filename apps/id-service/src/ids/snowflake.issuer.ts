import { Inject, Injectable } from '@nestjs/common';

import { decodeSnowflake, SnowflakeGenerator } from '@platform/ids';

import { ID_SERVICE_CONFIG } from '../config/config.js';
import type { IdServiceConfig } from '../config/env.schema.js';
import { WorkerLeaseService, type HeldLease } from '../leases/worker-lease.service.js';
import { ClockControl } from './clock-control.js';
import { decodeOrThrow, parseDecimalId } from './id.errors.js';
import type { IdIssuer } from './id-issuer.js';
import type { IssueQuery } from './id-kinds.js';
import { IdMetrics } from './id-metrics.js';

/**
 * Snowflake ids under the (datacenter, worker) pair this instance leases. Each new lease gets a
 * fresh generator that will not issue at or below the previous holder's fence.
 */
@Injectable()
export class SnowflakeIssuer implements IdIssuer {
  readonly kind = 'snowflake';
  private generator: SnowflakeGenerator | undefined;
  private generatorLease: HeldLease | undefined;
  private lastIssuedMs = 0;

  constructor(
    private readonly lease: WorkerLeaseService,
    @Inject(ID_SERVICE_CONFIG) private readonly config: IdServiceConfig,
    private readonly metrics: IdMetrics,
    private readonly clock: ClockControl,
  ) {
    lease.setFenceSource({ nowMs: () => clock.nowMs(), lastIssuedMs: () => this.lastIssuedMs });
  }

  issue({ count }: IssueQuery): string[] {
    const generator = this.generatorFor(this.lease.current());
    const ids = this.metrics.measure(this.kind, () => generator.nextBatch(count), generator.stats);
    this.lastIssuedMs = Math.max(this.lastIssuedMs, generator.lastMillisecond);
    this.metrics.issuedIds(this.kind, count);
    return ids.map(String);
  }

  decode(id: string): Record<string, unknown> {
    const parts = decodeOrThrow(this.kind, () => decodeSnowflake(parseDecimalId(this.kind, id, 63)));
    return { timestamp: new Date(parts.timestampMs).toISOString(), ...parts };
  }

  private generatorFor(lease: HeldLease): SnowflakeGenerator {
    if (this.generator && this.generatorLease === lease) return this.generator;
    const generator = new SnowflakeGenerator({
      datacenterId: lease.datacenterId,
      workerId: lease.workerId,
      maxBackwardWaitMs: this.config.MAX_CLOCK_BACKWARD_MS,
      clock: this.clock,
    });
    generator.startAfter(lease.notBeforeMs);
    this.generator = generator;
    this.generatorLease = lease;
    return generator;
  }
}
