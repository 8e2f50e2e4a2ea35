import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';

import { isClockMovedBackwardsError, type SequenceStats } from '@platform/ids';
import { ServiceContext } from '@platform/service-kit';

import { ID_KINDS } from './id-kinds.js';

export const ID_METRIC = {
  issued: 'ids_issued_total',
  sequenceWaits: 'ids_sequence_waits_total',
  clockWaits: 'ids_clock_backwards_waits_total',
  clockRefusals: 'ids_clock_backwards_refusals_total',
} as const;

/** Ids issued by kind, and what generators had to do to stay unique. */
@Injectable()
export class IdMetrics {
  private readonly issued: Counter<'kind'>;
  private readonly waits: Counter<'kind'>;
  private readonly clockWaits: Counter<'kind'>;
  private readonly refusals: Counter<'kind'>;

  constructor(context: ServiceContext) {
    const registers = [context.metrics];
    this.issued = new Counter({
      name: ID_METRIC.issued,
      help: 'Ids issued, by kind.',
      labelNames: ['kind'],
      registers,
    });
    this.waits = new Counter({
      name: ID_METRIC.sequenceWaits,
      help: 'Times a sequence was used up within a millisecond and the generator waited for the next one.',
      labelNames: ['kind'],
      registers,
    });
    this.clockWaits = new Counter({
      name: ID_METRIC.clockWaits,
      help: 'Times the clock was behind the newest id by no more than may be waited out, and the generator waited.',
      labelNames: ['kind'],
      registers,
    });
    this.refusals = new Counter({
      name: ID_METRIC.clockRefusals,
      help: 'Requests refused because the clock was further behind the newest id than may be waited out.',
      labelNames: ['kind'],
      registers,
    });
    // Every series from the start, at 0: increase() cannot see a counter's first step from nothing
    // to 1, so an alert on the first clock refusal needs the series to exist before it.
    for (const kind of ID_KINDS) {
      for (const counter of [this.issued, this.waits, this.clockWaits, this.refusals])
        counter.inc({ kind }, 0);
    }
  }

  issuedIds(kind: string, count: number): void {
    this.issued.inc({ kind }, count);
  }

  /**
   * Runs one batch of a generator, counting a clock refusal and, given the generator's stats, the
   * times it waited for the clock: its sequence ran out within a millisecond, or the clock was a
   * little behind.
   */
  measure<T>(kind: string, batch: () => T, stats?: SequenceStats): T {
    const before = { sequenceWaits: stats?.sequenceWaits ?? 0, clockBackwards: stats?.clockBackwards ?? 0 };
    let refused = 0;
    try {
      return batch();
    } catch (error) {
      if (isClockMovedBackwardsError(error)) {
        refused = 1;
        this.clockRefused(kind);
      }
      throw error;
    } finally {
      if (stats) {
        this.waits.inc({ kind }, stats.sequenceWaits - before.sequenceWaits);
        this.clockWaits.inc({ kind }, stats.clockBackwards - before.clockBackwards - refused);
      }
    }
  }

  clockRefused(kind: string): void {
    this.refusals.inc({ kind });
  }
}
