export interface RateLimiterOptions {
  /** Sustained requests per second per client (0: no limit). */
  readonly perSecond: number;
  /** Requests a client may send at once after being quiet. */
  readonly burst: number;
  readonly now?: () => number;
  /** Clients remembered at most; the least recently seen are forgotten first. */
  readonly maxClients?: number;
}

export type RateDecision =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per client: `burst` tokens, refilled at `perSecond`; a request takes one. A
 * client out of tokens is told when the next one arrives (Retry-After).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;
  private readonly maxClients: number;

  constructor(private readonly options: RateLimiterOptions) {
    this.now = options.now ?? Date.now;
    this.maxClients = options.maxClients ?? 100_000;
  }

  get enabled(): boolean {
    return this.options.perSecond > 0;
  }

  take(client: string): RateDecision {
    if (!this.enabled) return { allowed: true };
    const now = this.now();
    let bucket = this.buckets.get(client);
    if (bucket) {
      this.buckets.delete(client); // re-inserted below: the map stays in least-recently-seen order
      bucket.tokens = Math.min(
        this.options.burst,
        bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.options.perSecond,
      );
      bucket.updatedAt = now;
    } else {
      bucket = { tokens: this.options.burst, updatedAt: now };
      if (this.buckets.size >= this.maxClients) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(client, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.options.perSecond)),
    };
  }
}
