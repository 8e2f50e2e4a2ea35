import { Injectable } from '@nestjs/common';

import type { Clock } from '@platform/ids';

/**
 * The clock every generator here reads: the system clock plus an offset that experiments can set
 * (`PUT /admin/clock`, only with FAULTS_ENABLED) to step it back and watch the generators refuse
 * rather than repeat an id.
 */
@Injectable()
export class ClockControl implements Clock {
  private offsetMs = 0;

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  get offset(): number {
    return this.offsetMs;
  }

  setOffset(offsetMs: number): void {
    this.offsetMs = offsetMs;
  }
}
