import { type CallWindow, Outcome, Totals, type WindowCounts } from './call-window.js';

/**
 * The outcomes of the last `size` calls (Resilience4j's count-based window): a ring of one byte per
 * call and running totals, so recording a call and reading the counts cost the same at any size.
 * Recording the (size + 1)-th call takes the oldest out of the totals.
 */
export class CountWindow implements CallWindow {
  private readonly ring: Uint8Array;
  /** Calls ever recorded; entry `n` (its handle) sits at `n % size` while n ≥ recorded - size. */
  private recorded = 0;
  private readonly totals = new Totals();

  constructor(readonly size: number) {
    this.ring = new Uint8Array(size);
  }

  record(outcome: number): number {
    const entry = this.recorded++;
    const slot = entry % this.size;
    if (entry >= this.size) this.totals.flags(this.ring[slot]!, -1);
    else this.totals.calls++;
    this.ring[slot] = outcome;
    this.totals.flags(outcome, 1);
    return entry;
  }

  amend(entry: number, outcome: number): void {
    if (entry < this.recorded - this.size || entry >= this.recorded) return;
    const slot = entry % this.size;
    const held = this.ring[slot]!;
    if ((held & Outcome.running) === 0) return;
    const finished = (held & ~Outcome.running) | outcome;
    this.ring[slot] = finished;
    this.totals.flags(held, -1);
    this.totals.flags(finished, 1);
  }

  counts(): WindowCounts {
    return this.totals;
  }

  /** A window of `size` calls holding the newest of these, in the order they were recorded. */
  resized(size: number): CountWindow {
    const next = new CountWindow(size);
    const kept = Math.min(size, this.totals.calls);
    for (let entry = this.recorded - kept; entry < this.recorded; entry++) {
      next.record(this.ring[entry % this.size]!);
    }
    return next;
  }

  /**
   * A window of `size` calls holding what another kind of window counted, whose order is unknown:
   * min(size, calls) calls at the same failure, timeout and slow-call rates, spread evenly so the
   * rates stay level while new calls push them out.
   */
  static seeded(size: number, counts: WindowCounts): CountWindow {
    const window = new CountWindow(size);
    const calls = Math.min(size, counts.calls);
    if (calls === 0) return window;
    const scale = calls / counts.calls;
    const failures = Math.round(counts.failures * scale);
    const timeouts = Math.min(failures, Math.round(counts.timeouts * scale));
    const slow = Math.round(counts.slow * scale);
    let failed = 0;
    for (let i = 0; i < calls; i++) {
      let outcome = Outcome.success as number;
      if (nth(i, failures, calls))
        outcome |= nth(failed++, timeouts, failures) ? Outcome.timeout : Outcome.failure;
      if (nth(i, slow, calls)) outcome |= Outcome.slow;
      window.record(outcome);
    }
    return window;
  }
}

/** Whether item `i` of `total` is one of `count` picked evenly among them. */
function nth(i: number, count: number, total: number): boolean {
  return Math.floor(((i + 1) * count) / total) > Math.floor((i * count) / total);
}
