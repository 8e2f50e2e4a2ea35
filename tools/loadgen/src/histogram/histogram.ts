/**
 * An HDR-style log-linear histogram of non-negative integers (the generator records microseconds).
 *
 * Values below 2,048 have a bucket each; above, every power of two is cut into 1,024 equal buckets,
 * so any recorded value is known to within 1/1,024 of itself (three significant digits), from
 * 1 µs to 2^36 µs (19 hours), in 27,648 counters whatever the number of values recorded. Histograms
 * with the same layout add up exactly, which is how the workers' histograms become one.
 *
 * A percentile is the highest value of the bucket that holds the value of that rank (nearest rank:
 * the smallest value with at least p% of the values at or below it), as HdrHistogram reports it.
 */
const SUB_BUCKET_BITS = 11;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS; // 2,048
const HALF = SUB_BUCKETS >> 1; // 1,024
const MAX_BITS = 36;
/** The largest value kept as itself; larger values are recorded as this. */
export const HISTOGRAM_MAX_VALUE = 2 ** MAX_BITS - 1;
const BUCKETS = SUB_BUCKETS + (MAX_BITS - SUB_BUCKET_BITS) * HALF;

/** A histogram as plain data, for postMessage and JSON: `buckets` is [index, count, index, count…]. */
export interface SparseHistogram {
  readonly total: number;
  readonly min: number;
  readonly max: number;
  readonly sum: number;
  readonly buckets: readonly number[];
}

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  private lowestIndex = BUCKETS;
  private highestIndex = -1;
  private count = 0;
  private minimum = Infinity;
  private maximum = 0;
  private total = 0;

  static fromSparse(sparse: SparseHistogram): Histogram {
    const histogram = new Histogram();
    histogram.addSparse(sparse);
    return histogram;
  }

  /** How many values were recorded. */
  get totalCount(): number {
    return this.count;
  }

  /** The smallest value recorded (exact), NaN when empty. */
  get min(): number {
    return this.count === 0 ? Number.NaN : this.minimum;
  }

  /** The largest value recorded (exact), NaN when empty. */
  get max(): number {
    return this.count === 0 ? Number.NaN : this.maximum;
  }

  /** The mean of the values recorded (exact), NaN when empty. */
  get mean(): number {
    return this.count === 0 ? Number.NaN : this.total / this.count;
  }

  /** Records `value` (rounded to an integer, clamped to 0…{@link HISTOGRAM_MAX_VALUE}) `times` times. */
  record(value: number, times = 1): void {
    const v = Math.min(HISTOGRAM_MAX_VALUE, Math.max(0, Math.round(value)));
    const index = indexOf(v);
    this.counts[index]! += times;
    if (index < this.lowestIndex) this.lowestIndex = index;
    if (index > this.highestIndex) this.highestIndex = index;
    this.count += times;
    this.total += v * times;
    if (v < this.minimum) this.minimum = v;
    if (v > this.maximum) this.maximum = v;
  }

  /**
   * The value at percentile `p` (0–100): the highest value of the bucket holding the value of rank
   * ceil(p% of the count), at most the largest value recorded; 0 gives the smallest. NaN when empty.
   */
  valueAtPercentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    if (p <= 0) return this.minimum;
    const rank = Math.max(1, Math.ceil((Math.min(100, p) / 100) * this.count));
    let seen = 0;
    for (let i = this.lowestIndex; i <= this.highestIndex; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(highestEquivalent(i), this.maximum);
    }
    return this.maximum;
  }

  /** Adds every value of `other` to this histogram. */
  add(other: Histogram): void {
    this.addSparse(other.toSparse());
  }

  addSparse(sparse: SparseHistogram): void {
    if (sparse.total === 0) return;
    const { buckets } = sparse;
    for (let i = 0; i < buckets.length; i += 2) {
      const index = buckets[i]!;
      if (!(index >= 0 && index < BUCKETS)) throw new RangeError(`bucket index ${index} out of range`);
      this.counts[index]! += buckets[i + 1]!;
      if (index < this.lowestIndex) this.lowestIndex = index;
      if (index > this.highestIndex) this.highestIndex = index;
    }
    this.count += sparse.total;
    this.total += sparse.sum;
    this.minimum = Math.min(this.minimum, sparse.min);
    this.maximum = Math.max(this.maximum, sparse.max);
  }

  toSparse(): SparseHistogram {
    const buckets: number[] = [];
    for (let i = this.lowestIndex; i <= this.highestIndex; i++) {
      const c = this.counts[i]!;
      if (c > 0) buckets.push(i, c);
    }
    return {
      total: this.count,
      min: this.count === 0 ? 0 : this.minimum,
      max: this.maximum,
      sum: this.total,
      buckets,
    };
  }

  /** Forgets every value. */
  reset(): void {
    if (this.highestIndex >= 0) this.counts.fill(0, this.lowestIndex, this.highestIndex + 1);
    this.lowestIndex = BUCKETS;
    this.highestIndex = -1;
    this.count = 0;
    this.minimum = Infinity;
    this.maximum = 0;
    this.total = 0;
  }
}

function indexOf(v: number): number {
  if (v < SUB_BUCKETS) return v;
  const magnitude = v < 2 ** 32 ? 31 - Math.clz32(v) : 63 - Math.clz32(Math.floor(v / 2 ** 32));
  const shift = magnitude - (SUB_BUCKET_BITS - 1);
  const sub = Math.floor(v / 2 ** shift); // HALF … SUB_BUCKETS - 1
  return SUB_BUCKETS + (shift - 1) * HALF + (sub - HALF);
}

function highestEquivalent(index: number): number {
  if (index < SUB_BUCKETS) return index;
  const shift = Math.floor((index - SUB_BUCKETS) / HALF) + 1;
  const sub = ((index - SUB_BUCKETS) % HALF) + HALF;
  return (sub + 1) * 2 ** shift - 1;
}
