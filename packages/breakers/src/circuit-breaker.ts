/**
 * A circuit breaker around calls to one upstream (an instance or a route).
 *
 * Built on opossum 9, which keeps the rolling window, applies the trip rule and times calls out.
 * The breaker owns what opossum does not do the way we need:
 * - **Half-open admits up to `halfOpenMaxProbes` calls.** Opossum lets exactly one call through
 *   in half-open and rejects every other one until it finishes. Here the breaker counts probes in
 *   flight itself; the first probe to finish decides: success closes, failure re-opens.
 * - **Each half-open starts a fresh opossum instance**, so the window that tripped the breaker
 *   cannot trip it again on the first error after it recovers (opossum alone keeps those failures).
 * - **Open is timed here** (internal/phases.ts), so a settings update can honour the time already
 *   spent open.
 * - **Per-call AbortSignal.** Opossum's `abortController` option is one controller for all calls;
 *   here each call with a `callTimeoutMs` gets its own, fired when that call times out (a call
 *   without one gets {@link NEVER_ABORTED}: a controller per call would cost more than the breaker).
 * - **Open rejects without touching opossum**: no error of opossum's, nothing counted as a fire.
 * - **A closed call without a timeout skips opossum's call machinery**: its success is written
 *   into opossum's window directly, its failure is replayed through opossum (which counts it and
 *   applies the trip rule). bench/breakers/breaker-cost.mjs measures both paths.
 * - **A count window and a slow-call rule** (`slidingWindowCalls`, `slowCallDurationMs`), which
 *   opossum lacks, live in a {@link CallLedger}. With both off (the defaults) there is no ledger and
 *   every path above runs as it did before they existed.
 */
import type { BreakerState, CircuitBreakerEvents, FailureReason } from './breaker-events.js';
import {
  type BreakerSettings,
  DEFAULT_BREAKER_SETTINGS,
  validateBreakerSettings,
} from './breaker-settings.js';
import { breakerStats, type BreakerStats } from './breaker-stats.js';
import { CallLedger, ledgerCall, type LedgerCall } from './call-ledger.js';
import { NO_CALLS, Outcome } from './call-window.js';
import {
  BreakerShutdownError,
  CallTimeoutError,
  CircuitOpenError,
  InvalidBreakerSettingsError,
} from './errors.js';
import { now } from './internal/clock.js';
import { type CarriedCounts, isOpossumError, isOpossumTimeout } from './internal/opossum-circuit.js';
import { OpossumWindow } from './internal/opossum-window.js';
import { type HalfOpen, Phases } from './internal/phases.js';
import { type Call, FailedResult, runCall, trackedCall } from './internal/tracked-call.js';
import { TypedEmitter } from './internal/typed-emitter.js';
import { NEVER_ABORTED } from './signals.js';

export type { BreakerState, CircuitBreakerEvents, FailureReason } from './breaker-events.js';
export type { BreakerStats } from './breaker-stats.js';

export interface CircuitBreakerOptions {
  /** Names the breaker in errors, events and metrics. */
  readonly name: string;
  /** Overrides of {@link DEFAULT_BREAKER_SETTINGS}; validated, throws InvalidBreakerSettingsError. */
  readonly settings?: Partial<BreakerSettings>;
  /**
   * Whether a thrown error counts against the upstream (default: every error does). Return false
   * for errors that are the caller's fault, e.g. a 404 thrown as an error. Timeouts always count.
   */
  readonly isFailureError?: (error: unknown) => boolean;
}

/** A closed-state call admitted by {@link CircuitBreaker.closedPermit}: report its outcome once. */
export interface ClosedPermit {
  /** It succeeded. */
  succeeded(): void;
  /**
   * It failed with `error`: counted as a failure unless `isFailureError` says it is not the
   * dependency's fault (then as a success). The promise rejects with `error` once it is counted.
   */
  failed(error: unknown): Promise<never>;
}

const OUTCOME_OF: { readonly [K in 'success' | FailureReason]: number } = {
  success: Outcome.success,
  error: Outcome.failure,
  result: Outcome.failure,
  timeout: Outcome.timeout,
};

export class CircuitBreaker {
  readonly name: string;
  private currentSettings: BreakerSettings;
  private readonly isFailureError: (error: unknown) => boolean;
  private readonly events = new TypedEmitter<CircuitBreakerEvents>();
  private readonly phases: Phases;
  private readonly opossum: OpossumWindow<Call>;
  /** The count window and slow calls; undefined when neither is asked for. */
  private ledger: CallLedger | undefined;
  private isShutdown = false;

  constructor(options: CircuitBreakerOptions) {
    this.name = options.name;
    this.currentSettings = validated(options.settings ?? {}, DEFAULT_BREAKER_SETTINGS);
    this.isFailureError = options.isFailureError ?? (() => true);
    this.ledger = CallLedger.for(this.currentSettings, now(), undefined, NO_CALLS);
    this.phases = new Phases({
      resetTimeoutMs: () => this.currentSettings.resetTimeoutMs,
      beforeHalfOpen: () => {
        // A fresh window: only the probes, and what follows them, count from here.
        this.opossum.replace(this.currentSettings, this.opossumJudgesErrors(), undefined);
        this.ledger?.restart(now());
      },
      changed: (from, to) => this.events.emit('stateChange', from, to),
    });
    this.opossum = new OpossumWindow<Call>(
      {
        name: this.name,
        action: runCall,
        errorFilter: (error) =>
          !(error instanceof FailedResult) && !isOpossumError(error) && !this.countsAsFailure(error),
        onFailure: (call, error) =>
          this.report(
            call,
            error instanceof FailedResult ? 'result' : isOpossumTimeout(error) ? 'timeout' : 'error',
          ),
        onOpen: () => {
          if (this.phases.current.kind !== 'open' && !this.isShutdown) this.phases.open();
        },
      },
      this.currentSettings,
      this.opossumJudgesErrors(),
    );
  }

  /** The state; with the slow-call rule on, calls in flight that turned slow are counted first. */
  get state(): BreakerState {
    if (!this.isShutdown) this.catchOverdue();
    return this.phases.current.kind;
  }

  get settings(): BreakerSettings {
    return this.currentSettings;
  }

  /** Subscribes to one event; returns the function that unsubscribes. Listeners run synchronously. */
  on<K extends keyof CircuitBreakerEvents>(
    event: K,
    listener: (...args: CircuitBreakerEvents[K]) => void,
  ): () => void {
    return this.events.on(event, listener);
  }

  /**
   * Runs `work` unless the breaker refuses it. `work` gets a signal that fires when the call runs
   * past `callTimeoutMs`. A result that `isFailure` judges a failure (e.g. an HTTP 503) is counted
   * as one and still returned; errors are counted (see `isFailureError`) and rethrown. With the
   * slow-call rule on, calls in flight past `slowCallDurationMs` are counted slow first, which may
   * open the breaker and refuse this call.
   * @throws CircuitOpenError when open, or half-open with every probe slot taken
   * @throws CallTimeoutError when the call ran past `callTimeoutMs`
   * @throws BreakerShutdownError after {@link shutdown}
   */
  execute<T>(work: (signal: AbortSignal) => Promise<T>, isFailure?: (result: T) => boolean): Promise<T> {
    // Not async: the closed path without a call timeout returns executeClosed's promise itself,
    // so a call through the breaker costs no promise layer of its own.
    if (this.isShutdown) return Promise.reject(new BreakerShutdownError(this.name));
    const lookedAtMs = this.catchOverdue();
    let probeOf: HalfOpen | undefined;
    try {
      probeOf = this.admit();
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- admit() throws CircuitOpenError only
      return Promise.reject(error);
    }
    if (probeOf === undefined && this.currentSettings.callTimeoutMs === 0 && isFailure === undefined)
      return this.executeClosed(work, lookedAtMs ?? now());
    return this.executeTracked(work, isFailure, probeOf);
  }

  /** A call through opossum: with a call timeout, a result check, or as a half-open probe. */
  private async executeTracked<T>(
    work: (signal: AbortSignal) => Promise<T>,
    isFailure: ((result: T) => boolean) | undefined,
    probeOf: HalfOpen | undefined,
  ): Promise<T> {
    const call = trackedCall({
      work,
      isFailure: isFailure as ((result: unknown) => boolean) | undefined,
      timeoutMs: this.currentSettings.callTimeoutMs,
      startedAtMs: now(),
      probeOf,
      followed: true,
    });
    this.ledger?.begin(call);
    try {
      const result = (await this.opossum.fire(call)) as T;
      this.report(call, 'success');
      return result;
    } catch (error) {
      if (error instanceof FailedResult) {
        this.report(call, 'result');
        return error.result as T;
      }
      if (isOpossumTimeout(error)) {
        this.report(call, 'timeout');
        throw call.timeoutError ?? new CallTimeoutError(this.name, call.timeoutMs);
      }
      this.report(call, this.countsAsFailure(error) ? 'error' : 'success');
      throw error;
    } finally {
      if (probeOf) probeOf.probesInFlight--;
    }
  }

  /**
   * The closed-state call with no timeout and no result check (every shard query makes one): it runs
   * `work` outside opossum and records a success straight in opossum's window (two counter bumps
   * instead of opossum's promise, timer bookkeeping and events). A failure still goes through
   * opossum, so the trip rule stays opossum's. Such a call counts in the window when it finishes.
   */
  private executeClosed<T>(work: (signal: AbortSignal) => Promise<T>, startedAtMs: number): Promise<T> {
    const permit = this.closedCall(startedAtMs);
    let running: Promise<T>;
    try {
      running = work(NEVER_ABORTED);
    } catch (error) {
      // Work that throws before returning its promise failed all the same.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the work's own error, unchanged
      running = Promise.reject(error);
    }
    return running.then(
      (result) => {
        permit.succeeded();
        return result;
      },
      (error: unknown) => permit.failed(error),
    );
  }

  /**
   * {@link execute}'s closed path for a caller that makes its own promise (or uses a callback) and
   * reports the outcome on the permit, so the breaker adds no promise step of its own: a permit when
   * the breaker is closed and has no call timeout; undefined when the call must go through
   * {@link execute} (open, half-open, shut down, or a timeout to enforce). With the slow-call rule
   * on, calls in flight past `slowCallDurationMs` are counted slow first, which may open it.
   */
  closedPermit(): ClosedPermit | undefined {
    if (this.isShutdown) return undefined;
    const lookedAtMs = this.catchOverdue();
    if (this.phases.current.kind !== 'closed' || this.currentSettings.callTimeoutMs !== 0) return undefined;
    return this.closedCall(lookedAtMs ?? now());
  }

  private closedCall(startedAtMs: number): ClosedPermit {
    const startedOn = this.opossum.current;
    if (this.ledger !== undefined) return this.ledgerClosedCall(startedOn, startedAtMs, this.ledger);
    return {
      succeeded: () => this.recordSuccess(startedOn, startedAtMs),
      failed: (error) => {
        if (this.countsAsFailure(error)) return this.recordFailure(startedOn, startedAtMs, error);
        this.recordSuccess(startedOn, startedAtMs);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the call's own error, unchanged
        return Promise.reject(error);
      },
    };
  }

  private recordSuccess(startedOn: object, startedAtMs: number): void {
    // A window replaced meanwhile (new settings, or open then half-open) no longer takes this call.
    this.opossum.countSuccess(startedOn);
    this.events.emit('success', now() - startedAtMs);
  }

  /** Replays a failed closed-state call through opossum: it counts it and may open the breaker. */
  private async recordFailure(startedOn: object, startedAtMs: number, error: unknown): Promise<never> {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the work's own reason, unchanged
    const work = () => Promise.reject(error);
    const call = trackedCall({ work, timeoutMs: 0, startedAtMs, followed: false });
    // Only a closed window takes it: after the breaker opened, opossum would count a rejection.
    if (this.phases.current.kind === 'closed' && !this.isShutdown)
      await this.opossum.replayFailure(startedOn, call);
    this.report(call, 'error');
    throw error;
  }

  /**
   * The closed path with a ledger: the call is watched while it runs (slow-call rule) and counted in
   * the ledger's window. Over the time window opossum still counts it and judges its failure.
   */
  private ledgerClosedCall(startedOn: object, startedAtMs: number, ledger: CallLedger): ClosedPermit {
    const call = ledgerCall(startedAtMs, undefined);
    ledger.begin(call);
    const succeeded = () => {
      const nowMs = now();
      this.settle(call, Outcome.success, nowMs);
      if (this.opossumJudgesErrors()) this.opossum.countSuccess(startedOn);
      this.events.emit('success', nowMs - startedAtMs);
      this.judge(nowMs);
    };
    const failed = (error: unknown): Promise<never> => {
      if (!this.countsAsFailure(error)) {
        succeeded();
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the call's own error, unchanged
        return Promise.reject(error);
      }
      const nowMs = now();
      this.settle(call, Outcome.failure, nowMs);
      // Over the time window the error rule is opossum's: the failure goes through it (and `report`).
      if (this.opossumJudgesErrors()) return this.recordFailure(startedOn, startedAtMs, error);
      this.events.emit('failure', nowMs - startedAtMs, 'error');
      this.judge(nowMs);
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the call's own error, unchanged
      return Promise.reject(error);
    };
    return { succeeded, failed };
  }

  /** Counts in the current window; with the slow-call rule on, calls in flight that turned slow first. */
  stats(): BreakerStats {
    if (!this.isShutdown) this.catchOverdue();
    const nowMs = now();
    const ledger = this.ledger;
    const window = ledger?.counts(nowMs);
    return breakerStats(this.phases.current.kind, this.opossum.counts(), window, !this.opossumJudgesErrors());
  }

  /**
   * Validates `partial` over the current settings and applies it without losing the state: open
   * stays open (half-open comes at opened time + the new resetTimeoutMs), half-open keeps its
   * probes. The opossum instance is replaced; the window's counts move to the new one's newest
   * bucket, and calls in flight finish on the old one (their outcomes still count for events and
   * probes). Between window kinds and sizes ({@link CallLedger.for} has the details): a count
   * window resized keeps its newest calls; a time window becoming a count window gives it up to N
   * calls at the same rates; a count window becoming a time window gives its counts to the newest
   * bucket. Calls in flight stay watched while the slow-call rule stays on, and count in the new
   * window when they finish or turn slow.
   * @throws InvalidBreakerSettingsError listing every problem
   */
  updateSettings(partial: Partial<BreakerSettings>): BreakerSettings {
    const settings = validated(partial, this.currentSettings);
    if (this.isShutdown) return settings;
    const nowMs = now();
    const carried = this.judgedCounts(nowMs);
    this.currentSettings = settings;
    this.ledger = CallLedger.for(settings, nowMs, this.ledger, {
      calls: carried.fires,
      failures: carried.failures,
      timeouts: carried.timeouts,
      slow: 0,
      running: 0,
    });
    this.opossum.replace(settings, this.opossumJudgesErrors(), carried);
    this.phases.retime();
    return settings;
  }

  /** Stops timers and listeners; later calls throw BreakerShutdownError. Calls in flight finish. */
  shutdown(): void {
    if (this.isShutdown) return;
    this.isShutdown = true;
    this.phases.stop();
    this.opossum.shutdown();
    this.events.removeAll();
  }

  /** Lets a call through (returning its probe slot when half-open) or throws CircuitOpenError. */
  private admit(): HalfOpen | undefined {
    const admitted = this.phases.admit(this.currentSettings.halfOpenMaxProbes);
    if (admitted !== false) return admitted;
    this.opossum.countReject();
    this.events.emit('reject');
    const state = this.phases.current.kind === 'open' ? 'open' : 'half-open';
    throw new CircuitOpenError(this.name, state, this.phases.retryAfterSeconds());
  }

  /**
   * Records a call's outcome once, emits its events, and lets a probe decide the half-open phase:
   * success closes, failure re-opens, and so does a probe that ran slow.
   */
  private report(call: Call, outcome: 'success' | FailureReason): void {
    if (call.reported) return;
    call.reported = true;
    const nowMs = now();
    const latencyMs = nowMs - call.startedAtMs;
    if (outcome === 'timeout') {
      call.timeoutError = new CallTimeoutError(this.name, call.timeoutMs);
      call.controller?.abort(call.timeoutError);
    }
    const slow = call.followed && this.settle(call, OUTCOME_OF[outcome], nowMs);
    if (outcome === 'success') this.events.emit('success', latencyMs);
    else this.events.emit('failure', latencyMs, outcome);
    if (call.probeOf !== undefined && call.probeOf === this.phases.current && !this.isShutdown) {
      if (outcome === 'success' && !slow) this.phases.close();
      else this.phases.open();
    } else {
      this.judge(nowMs);
    }
  }

  /** Tells the ledger a call finished; emits `slowCall` if it turned slow now, and says so. */
  private settle(call: LedgerCall, outcome: number, nowMs: number): boolean {
    if (this.ledger === undefined || !this.ledger.finish(call, outcome, nowMs)) return false;
    this.events.emit('slowCall', nowMs - call.startedAtMs, false);
    return true;
  }

  /**
   * With the slow-call rule on and calls in flight: counts those that ran past `slowCallDurationMs`,
   * oldest first, each once. A probe among them is a failed probe (re-opens); any other may open a
   * closed breaker by the window. Returns the time it read (a call being admitted starts then), or
   * undefined when there was nothing to look at.
   */
  private catchOverdue(): number | undefined {
    const ledger = this.ledger;
    if (ledger === undefined || !ledger.hasCallsInFlight) return undefined;
    const nowMs = now();
    for (let call = ledger.takeOverdue(nowMs); call !== undefined; call = ledger.takeOverdue(nowMs)) {
      this.events.emit('slowCall', nowMs - call.startedAtMs, true);
      if (call.probeOf !== undefined && call.probeOf === this.phases.current && !this.isShutdown)
        this.phases.open();
      else this.judge(nowMs);
    }
    return nowMs;
  }

  /** Opens a closed breaker when the ledger's window says so (opossum judges its own window). */
  private judge(nowMs: number): void {
    if (this.phases.current.kind === 'closed' && !this.isShutdown && this.ledger?.trips(nowMs))
      this.phases.open();
  }

  /** Whether opossum's rolling window judges errors: yes, unless there is a count window. */
  private opossumJudgesErrors(): boolean {
    return this.ledger?.judgesErrors !== true;
  }

  /** The counts the error rule judges: opossum's, or the count window's in their shape. */
  private judgedCounts(nowMs: number): CarriedCounts {
    const rolling = this.opossum.counts();
    if (this.opossumJudgesErrors()) return rolling;
    const window = this.ledger!.counts(nowMs);
    const { calls, failures, timeouts, running } = window;
    return {
      fires: calls,
      successes: calls - failures - running,
      failures,
      timeouts,
      rejects: rolling.rejects,
    };
  }

  private countsAsFailure(error: unknown): boolean {
    try {
      return this.isFailureError(error);
    } catch {
      return true;
    }
  }
}

function validated(partial: Partial<BreakerSettings>, base: BreakerSettings): BreakerSettings {
  const outcome = validateBreakerSettings(partial, base);
  if (!outcome.ok) throw new InvalidBreakerSettingsError(outcome.problems);
  return outcome.settings;
}
