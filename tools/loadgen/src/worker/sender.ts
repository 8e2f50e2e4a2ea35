import { type RequestMix } from '../scenario/request-mix.js';
import { type WorkerPlan } from './protocol.js';
import { type TargetClient } from './target-client.js';
import { type WorkerStats } from './worker-stats.js';

/** What a sender works with: `t0` is when the measured phase starts (performance.now() time). */
export interface SenderContext {
  readonly plan: WorkerPlan;
  readonly t0: number;
  readonly client: TargetClient;
  readonly mix: RequestMix;
  readonly stats: WorkerStats;
}

/** One worker's way of sending: open model (a schedule) or closed model (virtual clients). */
export interface Sender {
  readonly inflight: number;
  /** Measured requests that left before the measured phase ended. */
  readonly sentInWindow: number;
  /** Sends until the run's end, then waits for what is in flight. */
  run(): Promise<void>;
  /** Sends nothing more; `run()` resolves once what is in flight has finished. */
  stop(): void;
}
