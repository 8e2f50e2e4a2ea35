/**
 * What pickers may know about an endpoint's load. Measured by a {@link LoadTracker} from the
 * requests the caller actually sends (Finagle's "load measurement"), never by the picker itself.
 */
export interface LoadSource {
  /** Requests sent to the endpoint and not yet finished. */
  inflight(id: string): number;
  /** Exponentially weighted moving average of latency, in ms (0 before any sample). */
  latencyEwmaMs(id: string): number;
  /**
   * Peak-sensitive EWMA (Finagle's peak EWMA): jumps up to a slow sample at once, decays towards
   * faster ones over the decay window. In ms; before any sample, a configured default.
   */
  peakEwmaMs(id: string): number;
  /** EWMA of the failure rate (0..1). */
  errorRate(id: string): number;
}
