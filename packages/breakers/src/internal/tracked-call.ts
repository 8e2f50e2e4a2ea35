/**
 * A call the breaker runs through opossum (one with a call timeout, a result check, or a half-open
 * probe), and a closed call's failure replayed through opossum so its rule counts it.
 */
import type { LedgerCall } from '../call-ledger.js';
import type { CallTimeoutError } from '../errors.js';
import { NEVER_ABORTED } from '../signals.js';
import type { HalfOpen } from './phases.js';

export interface Call extends LedgerCall {
  readonly work: (signal: AbortSignal) => Promise<unknown>;
  readonly isFailure: ((result: unknown) => boolean) | undefined;
  readonly controller: AbortController | undefined;
  readonly timeoutMs: number;
  /** The half-open phase this call was let through to probe, if any. */
  readonly probeOf: HalfOpen | undefined;
  /** Whether the call ledger follows it: not a replayed failure, which it had already. */
  readonly followed: boolean;
  /** Set once the call's outcome was reported, by opossum's listener or by `execute`. */
  reported: boolean;
  /** Set when the call timed out: what its signal was aborted with and what `execute` throws. */
  timeoutError?: CallTimeoutError;
}

export function trackedCall(fields: {
  readonly work: (signal: AbortSignal) => Promise<unknown>;
  readonly isFailure?: ((result: unknown) => boolean) | undefined;
  readonly timeoutMs: number;
  readonly startedAtMs: number;
  readonly probeOf?: HalfOpen | undefined;
  readonly followed: boolean;
}): Call {
  return {
    work: fields.work,
    isFailure: fields.isFailure,
    controller: fields.timeoutMs > 0 ? new AbortController() : undefined,
    timeoutMs: fields.timeoutMs,
    probeOf: fields.probeOf,
    followed: fields.followed,
    reported: false,
    timeoutError: undefined,
    startedAtMs: fields.startedAtMs,
    epoch: -1,
    slow: false,
    window: undefined,
    entry: -1,
    older: undefined,
    newer: undefined,
  };
}

/** Thrown inside opossum when `isFailure` judges a result a failure; `execute` still returns the result. */
export class FailedResult extends Error {
  constructor(readonly result: unknown) {
    super('the call returned a result judged a failure');
    this.name = 'FailedResult';
  }
}

/** What opossum runs for a call. */
export async function runCall(call: Call): Promise<unknown> {
  const result = await call.work(call.controller?.signal ?? NEVER_ABORTED);
  if (call.isFailure?.(result)) throw new FailedResult(result);
  return result;
}
