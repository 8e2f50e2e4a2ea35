export interface RetryBudgetOptions {
  /** Retries may add this share of the requests seen in the window (20 → 20%). */
  readonly percent: number;
  /** Plus this many retries per second regardless of traffic. */
  readonly minPerSecond: number;
  readonly windowMs?: number;
  readonly now?: () => number;
}

/**
 * Caps retries to a share of recent traffic (Finagle's RetryBudget), so that when every instance
 * fails, callers add at most `percent` extra load instead of multiplying it by the attempt count.
 * Counts are kept in one-second buckets over a sliding window.
 */
export class RetryBudget {
  private readonly windowSeconds: number;
  private readonly now: () => number;
  private readonly requests: number[];
  private readonly retries: number[];
  private bucketSecond: number;

  constructor(private options: RetryBudgetOptions) {
    this.windowSeconds = Math.max(1, Math.round((options.windowMs ?? 10_000) / 1000));
    this.now = options.now ?? Date.now;
    this.requests = new Array<number>(this.windowSeconds).fill(0);
    this.retries = new Array<number>(this.windowSeconds).fill(0);
    this.bucketSecond = Math.floor(this.now() / 1000);
  }

  /** Changes the limits, keeping the counts. */
  configure(percent: number, minPerSecond: number): void {
    this.options = { ...this.options, percent, minPerSecond };
  }

  /** A new request (not a retry) was made. */
  recordRequest(): void {
    this.requests[this.advance()]! += 1;
  }

  /** Takes a retry from the budget; false when it is used up. */
  tryRetry(): boolean {
    const index = this.advance();
    if (this.sum(this.retries) + 1 > this.allowed()) return false;
    this.retries[index]! += 1;
    return true;
  }

  /** Retries still allowed right now. */
  remaining(): number {
    this.advance();
    return Math.max(0, Math.floor(this.allowed() - this.sum(this.retries)));
  }

  private allowed(): number {
    return (
      this.options.minPerSecond * this.windowSeconds + (this.options.percent / 100) * this.sum(this.requests)
    );
  }

  /** Moves the window to the current second, clearing buckets that fell out of it. */
  private advance(): number {
    const second = Math.floor(this.now() / 1000);
    const steps = Math.min(second - this.bucketSecond, this.windowSeconds);
    for (let i = 1; i <= steps; i++) {
      const index = (this.bucketSecond + i) % this.windowSeconds;
      this.requests[index] = 0;
      this.retries[index] = 0;
    }
    if (second > this.bucketSecond) this.bucketSecond = second;
    return this.bucketSecond % this.windowSeconds;
  }

  private sum(values: number[]): number {
    let total = 0;
    for (const value of values) total += value;
    return total;
  }
}
