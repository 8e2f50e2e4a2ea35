/**
 * When each request of an open-model run is due, in ms from the start of the warm-up. During the
 * warm-up the rate ramps up linearly from 0 to the rate asked, so connections open and the JIT warms
 * up gradually instead of in one burst; from then on requests are evenly spaced at the rate asked.
 * Request i is the i-th of the whole run, across all workers.
 */
export class ArrivalSchedule {
  /** Requests due in the warm-up and the measured phase together. */
  readonly count: number;
  private readonly perMs: number;
  private readonly warmupCount: number;

  constructor(
    rate: number,
    private readonly warmupMs: number,
    durationMs: number,
  ) {
    if (!(rate > 0)) throw new RangeError('an arrival schedule needs a rate above 0');
    this.perMs = rate / 1000;
    // The ramp: rate(t) = rate · t / warmup, so n(t) = perMs · t² / (2 · warmup).
    this.warmupCount = (this.perMs * warmupMs) / 2;
    this.count = Math.floor(this.warmupCount + this.perMs * durationMs);
  }

  /** When request `i` is due, ms after the warm-up began (the measured phase starts at warmupMs). */
  offsetMs(i: number): number {
    if (i < this.warmupCount) return Math.sqrt((2 * this.warmupMs * i) / this.perMs);
    return this.warmupMs + (i - this.warmupCount) / this.perMs;
  }
}
