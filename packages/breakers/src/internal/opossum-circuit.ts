/**
 * Builds the opossum instance behind a breaker. Opossum does the closed-state work: the rolling
 * window of counts, the trip rule (error percentage over the volume threshold) and per-call
 * timeouts. Open, half-open and probe admission are the breaker's own (see circuit-breaker.ts), and
 * so is the trip rule over a count window (call-ledger.ts): opossum's is then switched off.
 */
import Opossum from 'opossum';

import type { BreakerSettings } from '../breaker-settings.js';

export type OpossumCircuit<Call> = Opossum<[Call], unknown>;

/** Window counts worth carrying over when an instance is replaced by one with new settings. */
export interface CarriedCounts {
  readonly fires: number;
  readonly successes: number;
  readonly failures: number;
  readonly timeouts: number;
  readonly rejects: number;
}

export function createOpossumCircuit<Call>(options: {
  readonly name: string;
  readonly settings: BreakerSettings;
  readonly action: (call: Call) => Promise<unknown>;
  /** True when an error must not count as a failure (opossum then records a success). */
  readonly errorFilter: (error: unknown) => boolean;
  readonly carried?: CarriedCounts;
  /** False when the breaker judges errors itself (a count window): opossum then never opens. */
  readonly judgesErrors?: boolean;
}): OpossumCircuit<Call> {
  const { settings } = options;
  const window = {
    rollingCountTimeout: settings.rollingWindowMs,
    rollingCountBuckets: settings.rollingBuckets,
    // We read counts only; percentiles would sort every latency in the window on each failure.
    rollingPercentilesEnabled: false,
    // No snapshot listener here: one timer per breaker instead of two.
    enableSnapshots: false,
  };
  return new Opossum<[Call], unknown>(options.action, {
    name: options.name,
    ...window,
    timeout: settings.callTimeoutMs > 0 ? settings.callTimeoutMs : false,
    resetTimeout: settings.resetTimeoutMs,
    // Opossum opens when the error percentage is above this: never above 100.
    errorThresholdPercentage: options.judgesErrors === false ? 100 : settings.errorThresholdPercentage,
    volumeThreshold: settings.volumeThreshold,
    errorFilter: options.errorFilter,
    ...(options.carried ? { status: Opossum.newStatus({ ...window, stats: { ...options.carried } }) } : {}),
  });
}

/** True for opossum's own timeout error (not an error the work threw). */
export function isOpossumTimeout(error: unknown): boolean {
  return isOpossumError(error) && (error as { code?: unknown }).code === 'ETIMEDOUT';
}

/** True for an error opossum made itself (timeout, open, shutdown, semaphore). */
export function isOpossumError(error: unknown): boolean {
  // opossum's isOurError reads a property of its argument, so it throws on null or undefined.
  return typeof error === 'object' && error !== null && Opossum.isOurError(error);
}
