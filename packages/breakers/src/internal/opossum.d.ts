/**
 * The part of opossum 9.0.0 this package uses, checked against its lib/circuit.js and
 * lib/status.js. @types/opossum 8.1.9 does not fit 9.0.0 closely enough: it types the `timeout`
 * listener without its latency and arguments, lacks `Status#increment` and the coalescing options,
 * and types `lastTimerAt` as a symbol.
 */
declare module 'opossum' {
  import type { EventEmitter } from 'node:events';

  namespace CircuitBreaker {
    interface Options {
      /** ms before a call is timed out; `false` disables it. */
      timeout?: number | false;
      resetTimeout?: number;
      errorThresholdPercentage?: number;
      /** Minimum fires in the window before the breaker may open. */
      volumeThreshold?: number;
      rollingCountTimeout?: number;
      rollingCountBuckets?: number;
      rollingPercentilesEnabled?: boolean;
      enableSnapshots?: boolean;
      name?: string;
      /** Returning true makes an error count as a success (it is still rethrown). */
      errorFilter?: (error: unknown, ...args: unknown[]) => boolean;
      /** A Status primed with earlier counts (see `CircuitBreaker.newStatus`). */
      status?: Status;
    }

    interface StatusOptions {
      rollingCountTimeout?: number;
      rollingCountBuckets?: number;
      rollingPercentilesEnabled?: boolean;
      enableSnapshots?: boolean;
      /** Counts to put in the newest bucket. */
      stats?: Partial<Counts>;
    }

    interface Counts {
      failures: number;
      successes: number;
      rejects: number;
      fires: number;
      timeouts: number;
      fallbacks: number;
      semaphoreRejections: number;
    }

    interface Status {
      /** Totals over the whole window. */
      readonly stats: Counts;
      /** Adds one to a counter in the newest bucket (opossum's own listeners use it). */
      increment(property: keyof Counts, latencyMs?: number): void;
    }
  }

  class CircuitBreaker<Args extends unknown[] = unknown[], Result = unknown> extends EventEmitter {
    constructor(action: (...args: Args) => Promise<Result>, options?: CircuitBreaker.Options);
    static isOurError(error: unknown): boolean;
    static newStatus(options: CircuitBreaker.StatusOptions): CircuitBreaker.Status;

    readonly name: string;
    readonly closed: boolean;
    readonly opened: boolean;
    readonly halfOpen: boolean;
    readonly pendingClose: boolean;
    readonly isShutdown: boolean;
    readonly status: CircuitBreaker.Status;
    readonly stats: CircuitBreaker.Counts;

    fire(...args: Args): Promise<Result>;
    open(): void;
    close(): void;
    shutdown(): void;

    on(event: 'open' | 'close' | 'shutdown', listener: () => void): this;
    on(event: 'halfOpen', listener: (resetTimeoutMs: number) => void): this;
    on(event: 'success', listener: (result: unknown, latencyMs: number) => void): this;
    on(event: 'failure' | 'timeout', listener: (error: unknown, latencyMs: number, args: Args) => void): this;
    on(event: 'reject', listener: (error: unknown) => void): this;
  }

  export = CircuitBreaker;
}
