/**
 * What the coordinator (run-load.ts) and its worker threads say to each other. Everything here is
 * plain data (structured clone): histograms travel as {@link SparseHistogram}.
 */
import { type SparseHistogram } from '../histogram/histogram.js';
import { type Scenario } from '../scenario/scenario.js';

export type LoadModel = 'open' | 'closed';

/** What a whole run and each of its workers share. */
export interface RunSettings {
  readonly model: LoadModel;
  readonly workers: number;
  /** Base URL the scenario's paths are appended to. */
  readonly target: string;
  readonly scenario: Scenario;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly timeoutMs: number;
  /** Open model: a request that would leave later than this after its scheduled time is not sent. */
  readonly maxBehindMs: number;
  /** Nice value for the worker threads (Linux: -20 highest … 19 lowest); undefined leaves it as is. */
  readonly nice?: number | undefined;
}

/** A worker's part of the run (its `workerData`). */
export interface WorkerPlan extends RunSettings {
  readonly index: number;
  /** Open model: the whole run's arrival rate; this worker sends requests index, index + workers… */
  readonly rate: number;
  /** This worker's connections: its pool (open model) or its virtual clients (closed model). */
  readonly connections: number;
}

export type ToWorker =
  /** The measured phase starts at this wall-clock time (the warm-up before it). */
  | { readonly type: 'start'; readonly startAtEpochMs: number }
  /** Stop sending now (Ctrl-C); finish what is in flight and report. */
  | { readonly type: 'stop' };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'interval'; readonly report: IntervalReport }
  | { readonly type: 'done'; readonly summary: WindowSummary }
  | { readonly type: 'failed'; readonly message: string };

/** Counts for one kind of request of the scenario. */
export interface KindInterval {
  readonly sent: number;
  readonly ok: number;
  readonly failed: number;
  /** Latency from the scheduled send time (open model) or from the send (closed model), µs. */
  readonly corrected: SparseHistogram;
  /** From the send to the last byte of the answer, µs. */
  readonly service: SparseHistogram;
}

/** What one worker measured during one second of the measured phase (or the drain after it). */
export interface IntervalReport {
  readonly worker: number;
  /** 1 for the first second after the measured phase started; the drain's seconds follow. */
  readonly second: number;
  readonly kinds: readonly KindInterval[];
  /** Failures by kind of failure ("timeout", "HTTP 503", "ECONNREFUSED"…). */
  readonly errors: Readonly<Record<string, number>>;
  /** Requests due that the generator never sent: it was too far behind its schedule. */
  readonly unsent: number;
  /** Requests that found every connection of the pool busy and waited for one. */
  readonly poolWaits: number;
  /** Of those, requests still waiting when their timeout passed (failed, never sent). */
  readonly poolTimeouts: number;
  /** How late requests left against their schedule (open model), µs. */
  readonly lateness: SparseHistogram;
  /** The worker thread's CPU time as a share of the interval's wall time. */
  readonly cpu: number;
  readonly inflight: number;
}

/** The worker's self-watch over the measured phase (not the warm-up, not the drain). */
export interface WindowSummary {
  readonly worker: number;
  /** The thread's CPU time over the phase's wall time (Linux: /proc/thread-self; else = elu). */
  readonly cpu: number;
  readonly cpuSource: 'thread' | 'event-loop';
  /** Event-loop utilisation: the share of time the thread was not waiting for I/O or timers. */
  readonly elu: number;
  readonly loopDelayP50Ms: number;
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
  /** Measured requests that actually left before the phase ended. */
  readonly sentInWindow: number;
  readonly wallMs: number;
  /** The phase was cut short (stop). */
  readonly stopped: boolean;
  /** The thread's nice value; `niceRefused` when the asked one could not be set (not permitted). */
  readonly nice: number;
  readonly niceRefused: boolean;
}
