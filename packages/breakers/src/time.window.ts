import { type CallWindow, NO_CALLS, Outcome, Totals, type WindowCounts } from './call-window.js';

/**
 * The calls of the last `windowMs`, in `buckets` buckets that slide one at a time, as opossum's
 * rolling window does. No timer: the buckets that aged out are cleared when the window is next used,
 * found from the clock (bucket `n` covers origin + n × bucket length), and running totals make
 * reading the counts cost the same however many buckets there are.
 */
export class TimeWindow implements CallWindow {
  private readonly bucketMs: number;
  /** Per bucket: calls, failures, timeouts, slow; bucket n at n % buckets. */
  private readonly ring: Totals[];
  /** The bucket counts were last added to. */
  private newest = 0;
  private readonly totals = new Totals();

  /**
   * @param originMs when bucket 0 starts (the window's creation)
   * @param carried counts from an earlier window, put in the newest bucket (as opossum carries its own)
   */
  constructor(
    readonly windowMs: number,
    readonly buckets: number,
    private readonly originMs: number,
    carried: WindowCounts = NO_CALLS,
  ) {
    this.bucketMs = windowMs / buckets;
    this.ring = Array.from({ length: buckets }, () => new Totals());
    this.ring[0]!.add(carried);
    this.totals.add(carried);
  }

  record(outcome: number, nowMs: number): number {
    const bucket = this.slide(nowMs);
    const counts = this.ring[bucket % this.buckets]!;
    counts.calls++;
    counts.flags(outcome, 1);
    this.totals.calls++;
    this.totals.flags(outcome, 1);
    return bucket;
  }

  amend(entry: number, outcome: number, nowMs: number): void {
    const bucket = this.slide(nowMs);
    if (entry <= bucket - this.buckets || entry > bucket) return;
    for (const counts of [this.ring[entry % this.buckets]!, this.totals]) {
      counts.flags(Outcome.running, -1);
      counts.flags(outcome, 1);
    }
  }

  counts(nowMs: number): WindowCounts {
    this.slide(nowMs);
    return this.totals;
  }

  /** Clears the buckets that aged out by `nowMs`; returns the current bucket's number. */
  private slide(nowMs: number): number {
    const bucket = Math.max(this.newest, Math.floor((nowMs - this.originMs) / this.bucketMs));
    const aged = Math.min(bucket - this.newest, this.buckets);
    for (let n = 1; n <= aged; n++) {
      const counts = this.ring[(this.newest + n) % this.buckets]!;
      this.totals.add(counts, -1);
      counts.clear();
    }
    this.newest = bucket;
    return bucket;
  }
}
