import type { Clock } from '../picker.js';
import type { LoadSource } from './load-source.js';

export interface LoadTrackerOptions {
  /** Time constant of every moving average, in ms: a sample this old weighs 1/e. Default 10 s. */
  readonly decayWindowMs?: number;
  /** What `peakEwmaMs` reports before an endpoint's first sample. Default 1 ms. */
  readonly defaultLatencyMs?: number;
  /** Monotonic ms. Default `performance.now()`. */
  readonly clock?: Clock;
}

/** How one request ended. */
export interface RequestOutcome {
  readonly latencyMs: number;
  readonly ok: boolean;
}

/** Reports a request's outcome; only the first call counts. */
export type CompleteRequest = (outcome: RequestOutcome) => void;

/** One endpoint's load, as the admin API shows it. */
export interface LoadSnapshot {
  readonly inflight: number;
  readonly latencyEwmaMs: number;
  readonly peakEwmaMs: number;
  readonly errorRate: number;
  /** Requests sent to the endpoint so far, finished or not. */
  readonly requests: number;
}

interface EndpointLoad {
  inflight: number;
  requests: number;
  latencyEwmaMs: number;
  peakEwmaMs: number;
  errorRate: number;
  /** Whether a sample was recorded yet. */
  sampled: boolean;
  /** When the last sample was recorded, or when the endpoint was first seen before that. */
  stampedAt: number;
}

/**
 * Measures each endpoint's load from the requests the caller sends through it (Finagle's load
 * measurement, kept apart from picking). The averages decay by time, not by sample count: a sample
 * taken `elapsed` ms after the previous one moves an average by the weight 1 - exp(-elapsed / window),
 * so an endpoint called 10 times a second and one called 1,000 times remember the same span of time.
 *
 * - `latencyEwmaMs`: value ← value·w + sample·(1 − w), with w = exp(−elapsed / window).
 * - `peakEwmaMs` (Finagle's and Linkerd's peak EWMA): between samples it fades towards zero, read as
 *   value·exp(−idle / window), so an endpoint that was slow once is tried again after a while instead
 *   of starved. A sample above the faded value replaces it at once; a sample below pulls it down:
 *   value ← faded·w + sample·(1 − w). (Finagle gets the same fading by folding a 0 ms sample in on
 *   every read; doing it on read without writing keeps the tracker's state independent of reads.)
 * - `errorRate`: the same average over 1 for a failure and 0 for a success.
 * The first sample sets the latencies directly; the error rate starts at 0 when the endpoint is first
 * seen, so one early failure does not read as a 100% error rate.
 */
export class LoadTracker implements LoadSource {
  private readonly loads = new Map<string, EndpointLoad>();
  private readonly decayWindowMs: number;
  private readonly defaultLatencyMs: number;
  private readonly clock: Clock;

  constructor(options: LoadTrackerOptions = {}) {
    this.decayWindowMs = options.decayWindowMs ?? 10_000;
    this.defaultLatencyMs = options.defaultLatencyMs ?? 1;
    this.clock = options.clock ?? (() => performance.now());
    if (!(this.decayWindowMs > 0))
      throw new RangeError(`decayWindowMs must be > 0, got ${this.decayWindowMs}`);
  }

  /** Counts a request as in flight; call the returned function once when it ends. */
  begin(id: string): CompleteRequest {
    const tracked = this.loads.get(id) ?? this.fresh(id, 0);
    tracked.inflight++;
    tracked.requests++;
    let done = false;
    return (outcome) => {
      if (done) return;
      done = true;
      tracked.inflight--;
      this.record(tracked, outcome);
    };
  }

  inflight(id: string): number {
    return this.loads.get(id)?.inflight ?? 0;
  }

  latencyEwmaMs(id: string): number {
    return this.loads.get(id)?.latencyEwmaMs ?? 0;
  }

  peakEwmaMs(id: string): number {
    const load = this.loads.get(id);
    if (load?.sampled !== true) return this.defaultLatencyMs;
    return load.peakEwmaMs * this.weightOfOld(load.stampedAt, this.clock());
  }

  errorRate(id: string): number {
    return this.loads.get(id)?.errorRate ?? 0;
  }

  snapshot(id: string): LoadSnapshot {
    return {
      inflight: this.inflight(id),
      latencyEwmaMs: this.latencyEwmaMs(id),
      peakEwmaMs: this.peakEwmaMs(id),
      errorRate: this.errorRate(id),
      requests: this.loads.get(id)?.requests ?? 0,
    };
  }

  /** Drops what is known about an endpoint that left; its requests still in flight no longer count. */
  forget(id: string): void {
    this.loads.delete(id);
  }

  /**
   * Starts an endpoint afresh, keeping only its request total: nothing in flight, no latency or error
   * sample. For an endpoint that came back (a frozen process that answers its health probes again):
   * the calls that hung on it would otherwise keep it looking busy and slow to load-aware pickers,
   * which would then starve it. Completions of requests begun before the reset are ignored.
   */
  reset(id: string): void {
    const load = this.loads.get(id);
    if (load !== undefined) this.fresh(id, load.requests);
  }

  /** Endpoints with something tracked. */
  ids(): string[] {
    return [...this.loads.keys()];
  }

  private fresh(id: string, requests: number): EndpointLoad {
    const load: EndpointLoad = {
      inflight: 0,
      requests,
      latencyEwmaMs: 0,
      peakEwmaMs: 0,
      errorRate: 0,
      sampled: false,
      stampedAt: this.clock(),
    };
    this.loads.set(id, load);
    return load;
  }

  private record(load: EndpointLoad, outcome: RequestOutcome): void {
    const now = this.clock();
    const latency = Number.isFinite(outcome.latencyMs) ? Math.max(0, outcome.latencyMs) : 0;
    const failure = outcome.ok ? 0 : 1;
    const w = this.weightOfOld(load.stampedAt, now);
    load.errorRate = load.errorRate * w + failure * (1 - w);
    if (!load.sampled) {
      load.latencyEwmaMs = latency;
      load.peakEwmaMs = latency;
    } else {
      load.latencyEwmaMs = load.latencyEwmaMs * w + latency * (1 - w);
      const faded = load.peakEwmaMs * w;
      load.peakEwmaMs = latency > faded ? latency : faded * w + latency * (1 - w);
    }
    load.sampled = true;
    load.stampedAt = now;
  }

  private weightOfOld(since: number, now: number): number {
    return Math.exp(-Math.max(0, now - since) / this.decayWindowMs);
  }
}
