import { Inject, Injectable } from '@nestjs/common';

import { ClockMovedBackwardsError, decodeInstagram, encodeInstagram } from '@platform/ids';

import { ID_SERVICE_CONFIG } from '../config/config.js';
import type { IdServiceConfig } from '../config/env.schema.js';
import { decodeOrThrow, parseDecimalId, ShardRequiredError } from './id.errors.js';
import type { IdIssuer } from './id-issuer.js';
import type { IssueQuery } from './id-kinds.js';
import { IdMetrics } from './id-metrics.js';
import { InstagramSequenceRepository } from './instagram-sequence.repository.js';

/**
 * Instagram-style ids for a logical shard. The layout has no worker bits, so ids for one shard are
 * unique only if their sequence is coordinated: as Instagram did inside each shard's database,
 * sequence numbers come from a per-shard row in PostgreSQL (one round trip per millisecond's worth
 * of ids, up to 1,024), and the timestamp is the database's clock, so instance clocks don't matter.
 */
@Injectable()
export class InstagramIssuer implements IdIssuer {
  readonly kind = 'instagram';

  constructor(
    private readonly sequences: InstagramSequenceRepository,
    private readonly metrics: IdMetrics,
    @Inject(ID_SERVICE_CONFIG) private readonly config: IdServiceConfig,
  ) {}

  async issue({ count, shard }: IssueQuery): Promise<string[]> {
    if (shard === undefined) throw new ShardRequiredError(this.kind, false);
    const ids: string[] = [];
    while (ids.length < count) {
      const reservation = await this.sequences.reserve(shard, count - ids.length);
      if (reservation.kind === 'wait') {
        if (reservation.retryInMs > this.config.MAX_CLOCK_BACKWARD_MS + 1) {
          this.metrics.clockRefused(this.kind);
          throw new ClockMovedBackwardsError(reservation.retryInMs - 1);
        }
        await new Promise((resolve) => setTimeout(resolve, reservation.retryInMs));
        continue;
      }
      for (let i = 0; i < reservation.count; i++) {
        ids.push(
          String(encodeInstagram({ timestampMs: reservation.ms, shard, sequence: reservation.start + i })),
        );
      }
    }
    this.metrics.issuedIds(this.kind, count);
    return ids;
  }

  decode(id: string): Record<string, unknown> {
    const parts = decodeOrThrow(this.kind, () => decodeInstagram(parseDecimalId(this.kind, id, 64)));
    return { timestamp: new Date(parts.timestampMs).toISOString(), ...parts };
  }
}
