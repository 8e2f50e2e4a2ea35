import { Inject, Injectable } from '@nestjs/common';

import {
  decodeObjectId,
  decodeUlid,
  decodeUuidV7,
  ObjectIdGenerator,
  UlidGenerator,
  UuidV7Generator,
} from '@platform/ids';

import { ID_SERVICE_CONFIG } from '../config/config.js';
import type { IdServiceConfig } from '../config/env.schema.js';
import { ClockControl } from './clock-control.js';
import { decodeOrThrow } from './id.errors.js';
import type { IdIssuer } from './id-issuer.js';
import type { IssueQuery } from './id-kinds.js';
import { IdMetrics } from './id-metrics.js';

/*
 * Kinds that need no coordination between instances: their random bits keep instances apart
 * (ObjectId: 5 random bytes per process; ULID: 80 random bits; UUIDv7: 62 random bits), and each
 * instance keeps its own ids in order.
 */

/** `count` ids from `next`, timed and counted in the id metrics. */
function issueCounted(metrics: IdMetrics, kind: string, count: number, next: () => string): string[] {
  const ids = metrics.measure(kind, () => Array.from({ length: count }, next));
  metrics.issuedIds(kind, count);
  return ids;
}

@Injectable()
export class ObjectIdIssuer implements IdIssuer {
  readonly kind = 'objectid';
  private readonly generator: ObjectIdGenerator;

  constructor(
    clock: ClockControl,
    private readonly metrics: IdMetrics,
  ) {
    this.generator = new ObjectIdGenerator({ clock });
  }

  issue({ count }: IssueQuery): string[] {
    return issueCounted(this.metrics, this.kind, count, () => this.generator.next());
  }

  decode(id: string): Record<string, unknown> {
    const parts = decodeOrThrow(this.kind, () => decodeObjectId(id.toLowerCase()));
    return { timestamp: new Date(parts.timestampSeconds * 1000).toISOString(), ...parts };
  }
}

@Injectable()
export class UlidIssuer implements IdIssuer {
  readonly kind = 'ulid';
  private readonly generator: UlidGenerator;

  constructor(
    clock: ClockControl,
    @Inject(ID_SERVICE_CONFIG) config: IdServiceConfig,
    private readonly metrics: IdMetrics,
  ) {
    this.generator = new UlidGenerator({ clock, maxBackwardWaitMs: config.MAX_CLOCK_BACKWARD_MS });
  }

  issue({ count }: IssueQuery): string[] {
    return issueCounted(this.metrics, this.kind, count, () => this.generator.next());
  }

  decode(id: string): Record<string, unknown> {
    const parts = decodeOrThrow(this.kind, () => decodeUlid(id));
    return { timestamp: new Date(parts.timestampMs).toISOString(), ...parts };
  }
}

@Injectable()
export class UuidV7Issuer implements IdIssuer {
  readonly kind = 'uuidv7';
  private readonly generator: UuidV7Generator;

  constructor(
    clock: ClockControl,
    @Inject(ID_SERVICE_CONFIG) config: IdServiceConfig,
    private readonly metrics: IdMetrics,
  ) {
    this.generator = new UuidV7Generator({ clock, maxBackwardWaitMs: config.MAX_CLOCK_BACKWARD_MS });
  }

  issue({ count }: IssueQuery): string[] {
    return issueCounted(this.metrics, this.kind, count, () => this.generator.next());
  }

  decode(id: string): Record<string, unknown> {
    const parts = decodeOrThrow(this.kind, () => decodeUuidV7(id.toLowerCase()));
    return { timestamp: new Date(parts.timestampMs).toISOString(), ...parts };
  }
}
