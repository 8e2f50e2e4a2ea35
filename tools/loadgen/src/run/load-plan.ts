import { type Histogram } from '../histogram/histogram.js';
import { type RunSettings, type WindowSummary } from '../worker/protocol.js';
import { type ValidityLimits, type Verdict } from './verdict.js';

/** A whole run, as asked for (the CLI builds it from its options). */
export interface LoadPlan extends RunSettings {
  /** Open model: arrival rate of the whole run, requests per second. */
  readonly rate: number | undefined;
  /** All workers together: pooled connections (open) or virtual clients (closed). */
  readonly connections: number;
  readonly limits: ValidityLimits;
}

/** One second of the run, all workers merged (latencies in ms). */
export interface TimelinePoint {
  readonly second: number;
  readonly sent: number;
  readonly completed: number;
  readonly failed: number;
  readonly unsent: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly serviceP50Ms: number;
  readonly serviceP99Ms: number;
  readonly latenessP99Ms: number;
  readonly worstCpu: number;
  readonly worstWorker: number;
  readonly inflight: number;
}

/** What the live progress line shows each second. */
export interface Progress {
  readonly point: TimelinePoint;
  readonly durationSeconds: number;
  readonly targetRate: number | undefined;
  readonly totalSent: number;
  readonly totalFailed: number;
  /** Corrected latency of every measured request so far. */
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface KindResult {
  readonly name: string;
  readonly weight: number;
  readonly sent: number;
  readonly ok: number;
  readonly failed: number;
  /** µs. */
  readonly corrected: Histogram;
  readonly service: Histogram;
}

export interface LoadResult {
  readonly plan: LoadPlan;
  readonly startedAt: string;
  readonly interrupted: boolean;
  /** Length of the measured phase (shorter than asked when interrupted). */
  readonly measuredMs: number;
  readonly sent: number;
  readonly completed: number;
  readonly ok: number;
  readonly failed: number;
  /** Open model: requests the generator never sent, being too far behind its schedule. */
  readonly unsent: number;
  /** Open model: requests that waited for a free connection of the pool… */
  readonly poolWaits: number;
  /** …and of those, the ones whose timeout passed while waiting (counted as failed). */
  readonly poolTimeouts: number;
  /** Requests that left during the measured phase, per second. */
  readonly achievedRate: number;
  readonly errors: Readonly<Record<string, number>>;
  /** µs, from the scheduled time (open) or the send (closed). */
  readonly corrected: Histogram;
  /** µs, from the send. */
  readonly service: Histogram;
  /** µs, how late requests left against their schedule (open model). */
  readonly lateness: Histogram;
  readonly kinds: readonly KindResult[];
  readonly timeline: readonly TimelinePoint[];
  readonly workers: readonly WindowSummary[];
  readonly verdict: Verdict;
  /** The machine's 1-minute load average at the start and at the end. */
  readonly loadAverage: readonly [number, number];
}

/** `total` split into `parts` whole shares as even as possible (the first ones get the remainder). */
export function splitEvenly(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < total % parts ? 1 : 0));
}
