/**
 * What a breaker records of its calls beyond opossum's counts, when its settings ask for it:
 * - a **count window** (`slidingWindowCalls` ≥ 1): the last N calls, judged by both trip rules here
 *   (opossum's own rule is switched off, and opossum only runs calls and times them out);
 * - **slow calls** (`slowCallDurationMs` > 0): counted in the count window, or in a {@link TimeWindow}
 *   beside opossum's (whose rolling window keeps judging errors), and the calls in flight, so a call
 *   still running past the duration is counted slow as soon as the breaker looks, without a timer.
 * With neither, a breaker has no ledger and runs exactly as before these settings existed.
 *
 * The ledger records and judges; the breaker turns its verdicts into state changes and events.
 */
import type { BreakerSettings } from './breaker-settings.js';
import { type CallWindow, NO_CALLS, Outcome, type WindowCounts } from './call-window.js';
import { CountWindow } from './count.window.js';
import { type InFlightCall, InFlightCalls } from './in-flight-calls.js';
import { TimeWindow } from './time.window.js';
import { errorRuleTrips, slowCallRuleTrips } from './trip-rules.js';

/** A call as the ledger follows it: {@link ledgerCall} makes one. */
export interface LedgerCall extends InFlightCall<LedgerCall> {
  /** The half-open phase the breaker let it through to probe, if any (the ledger only carries it). */
  readonly probeOf: object | undefined;
  /** The ledger epoch it was admitted in: a call that outlives a half-open restart counts nowhere. */
  epoch: number;
  /** Set once it is counted slow, while running or when it finished: it never is twice. */
  slow: boolean;
  /** Where it was counted while still running, so a later failure is added to that same entry. */
  window: CallWindow | undefined;
  entry: number;
}

/** A call as the ledger follows it, all fields present from the start so every call has one shape. */
export function ledgerCall(startedAtMs: number, probeOf: object | undefined): LedgerCall {
  return {
    startedAtMs,
    probeOf,
    epoch: -1,
    slow: false,
    window: undefined,
    entry: -1,
    older: undefined,
    newer: undefined,
  };
}

let epochs = 0;

export class CallLedger {
  /** Whether the error rule is judged here (a count window) rather than by opossum. */
  readonly judgesErrors: boolean;

  private constructor(
    private readonly settings: BreakerSettings,
    private window: CallWindow,
    /** Calls running and not counted slow yet, oldest first; only with the slow-call rule on. */
    private readonly inFlight: InFlightCalls<LedgerCall> | undefined,
    private epoch: number,
  ) {
    this.judgesErrors = window instanceof CountWindow;
  }

  /**
   * The ledger `settings` need (undefined when they need none), taking over what `previous` held:
   * - a window of the same kind and shape: kept as it is;
   * - count window → count window of another size: the newest calls, in order;
   * - time window → count window: min(N, calls) calls at the time window's failure and timeout
   *   rates (`opossum`'s counts) and slow-call rate, spread evenly (their order is not known);
   * - count window → time window: its counts, in the newest bucket (as opossum carries its own);
   * - time window → time window of another length: the slow-call window's counts, in the newest
   *   bucket; it starts empty when the slow-call rule was off, since no call was timed for it;
   * - the calls in flight stay watched while the slow-call rule stays on.
   * Calls admitted under `previous` count in the new window when they finish or turn slow.
   */
  static for(
    settings: BreakerSettings,
    nowMs: number,
    previous: CallLedger | undefined,
    opossum: WindowCounts,
  ): CallLedger | undefined {
    const watches = settings.slowCallDurationMs > 0;
    if (!watches) previous?.inFlight?.clear();
    if (settings.slidingWindowCalls === 0 && !watches) return undefined;
    const inFlight = watches ? (previous?.inFlight ?? new InFlightCalls<LedgerCall>()) : undefined;
    const window = windowFor(settings, nowMs, previous?.window, opossum);
    return new CallLedger(settings, window, inFlight, previous?.epoch ?? ++epochs);
  }

  /** Whether calls in flight are watched (the slow-call rule is on). */
  get watches(): boolean {
    return this.inFlight !== undefined;
  }

  /** Whether any watched call is still running (and may turn slow). */
  get hasCallsInFlight(): boolean {
    return this.inFlight !== undefined && this.inFlight.size > 0;
  }

  /** A call was admitted. */
  begin(call: LedgerCall): void {
    call.epoch = this.epoch;
    this.inFlight?.add(call);
  }

  /**
   * A call finished with `outcome` (see {@link Outcome}): counted, slow if it ran past the duration.
   * A call already counted slow while it ran is not counted again: its entry gets its outcome (one
   * call, slow and failed, or slow and succeeded). Returns whether it turned slow now.
   */
  finish(call: LedgerCall, outcome: number, nowMs: number): boolean {
    if (call.slow) {
      if (call.window === this.window) this.window.amend(call.entry, outcome, nowMs);
      return false;
    }
    this.inFlight?.delete(call);
    const slowMs = this.settings.slowCallDurationMs;
    const slow = slowMs > 0 && nowMs - call.startedAtMs > slowMs;
    call.slow = slow;
    if (call.epoch === this.epoch) this.window.record(slow ? outcome | Outcome.slow : outcome, nowMs);
    return slow;
  }

  /** The oldest call in flight if it has run past the duration: now counted slow, out of the watch. */
  takeOverdue(nowMs: number): LedgerCall | undefined {
    const call = this.inFlight?.takeOverdue(nowMs, this.settings.slowCallDurationMs);
    if (call === undefined) return undefined;
    call.slow = true;
    if (call.epoch === this.epoch) {
      call.window = this.window;
      call.entry = this.window.record(Outcome.slow | Outcome.running, nowMs);
    }
    return call;
  }

  /** Whether the window's counts now open the breaker (the error rule only over a count window). */
  trips(nowMs: number): boolean {
    const counts = this.window.counts(nowMs);
    return (
      (this.judgesErrors && errorRuleTrips(counts, this.settings)) || slowCallRuleTrips(counts, this.settings)
    );
  }

  counts(nowMs: number): WindowCounts {
    return this.window.counts(nowMs);
  }

  /** Half-open: an empty window, and calls admitted before no longer count in it. */
  restart(nowMs: number): void {
    this.epoch = ++epochs;
    this.window =
      this.window instanceof CountWindow
        ? new CountWindow(this.window.size)
        : newTimeWindow(this.settings, nowMs, NO_CALLS);
  }
}

/** The window `settings` ask for, taking over what `before` held (see {@link CallLedger.for}). */
function windowFor(
  settings: BreakerSettings,
  nowMs: number,
  before: CallWindow | undefined,
  opossum: WindowCounts,
): CallWindow {
  const size = settings.slidingWindowCalls;
  if (size > 0) {
    if (!(before instanceof CountWindow))
      return CountWindow.seeded(size, withSlowShareOf(opossum, before, nowMs));
    return before.size === size ? before : before.resized(size);
  }
  const sameShape =
    before instanceof TimeWindow &&
    before.windowMs === settings.rollingWindowMs &&
    before.buckets === settings.rollingBuckets;
  return sameShape ? before : newTimeWindow(settings, nowMs, before?.counts(nowMs) ?? NO_CALLS);
}

function newTimeWindow(settings: BreakerSettings, nowMs: number, carried: WindowCounts): TimeWindow {
  return new TimeWindow(settings.rollingWindowMs, settings.rollingBuckets, nowMs, carried);
}

/** opossum's counts, with the slow-call share the slow-call window saw (0 without one). */
function withSlowShareOf(
  opossum: WindowCounts,
  slowWindow: CallWindow | undefined,
  nowMs: number,
): WindowCounts {
  const seen = slowWindow?.counts(nowMs) ?? NO_CALLS;
  const share = seen.calls > 0 ? seen.slow / seen.calls : 0;
  return { ...opossum, slow: Math.round(opossum.calls * share) };
}
