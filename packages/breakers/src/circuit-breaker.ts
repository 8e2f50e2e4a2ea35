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
 * - **Open is timed here**, so a settings update can honour the time already spent open (opossum,
 *   restored open, restarts the whole reset timeout).
 * - **Per-call AbortSignal.** Opossum's `abortController` option is one controller for all calls;
 *   here each call with a `callTimeoutMs` gets its own, fired when that call times out (a call
 *   without one gets {@link NEVER_ABORTED}: a controller per call would cost more than the breaker).
 * - **Open rejects without touching opossum**: no error of opossum's, nothing counted as a fire.
 * - **A closed call without a timeout skips opossum's call machinery**: its success is written
 *   into opossum's window directly, its failure is replayed through opossum (which counts it and
 *   applies the trip rule). bench/breakers/breaker-cost.mjs measures both paths.
 */
import { NEVER_ABORTED } from './signals.js';
import {
  type BreakerSettings,
  DEFAULT_BREAKER_SETTINGS,
  validateBreakerSettings,
} from './breaker-settings.js';
import {
  BreakerShutdownError,
  CallTimeoutError,
  CircuitOpenError,
  InvalidBreakerSettingsError,
} from './errors.js';
import {
  createOpossumCircuit,
  isOpossumError,
  isOpossumTimeout,
  type CarriedCounts,
  type OpossumCircuit,
} from './internal/opossum-circuit.js';
import { TypedEmitter } from './internal/typed-emitter.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Why a call counted as a failure: it threw, it ran past `callTimeoutMs`, or `isFailure` judged its result. */
export type FailureReason = 'error' | 'timeout' | 'result';

/** Events, in the order they happen: a call's outcome comes before the state change it causes. */
export interface CircuitBreakerEvents {
  stateChange: [from: BreakerState, to: BreakerState];
  success: [latencyMs: number];
  failure: [latencyMs: number, reason: FailureReason];
  /** A call was refused without running: open, or half-open with every probe slot taken. */
  reject: [];
}

/** Counts in the current rolling window (it restarts when the breaker goes half-open). */
export interface BreakerStats {
  readonly state: BreakerState;
  /**
   * Calls in the window; the volume threshold counts these. A call with a timeout counts when it
   * starts, one without when it finishes (see {@link CircuitBreaker.execute}).
   */
  readonly calls: number;
  readonly successes: number;
  /** Failed calls of every reason, timeouts included. */
  readonly failures: number;
  readonly timeouts: number;
  readonly rejections: number;
  /** failures / calls × 100: the figure compared with `errorThresholdPercentage`. */
  readonly errorPercentage: number;
}

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

/** Where the breaker is; each state carries what only it needs. */
type Phase = Closed | Open | HalfOpen;

interface Closed {
  readonly kind: 'closed';
}

interface Open {
  readonly kind: 'open';
  readonly openedAtMs: number;
  /** openedAtMs + resetTimeoutMs; moves if resetTimeoutMs is updated while open. */
  halfOpenAtMs: number;
  timer: ReturnType<typeof setTimeout>;
}

interface HalfOpen {
  readonly kind: 'half-open';
  /** Probes let through and not finished yet; at most halfOpenMaxProbes. */
  probesInFlight: number;
}

interface Call {
  readonly work: (signal: AbortSignal) => Promise<unknown>;
  readonly isFailure: ((result: unknown) => boolean) | undefined;
  readonly controller: AbortController | undefined;
  readonly startedAtMs: number;
  readonly timeoutMs: number;
  /** The half-open phase this call was let through to probe, if any. */
  readonly probeOf: HalfOpen | undefined;
  /** Set once the call's outcome was reported, by opossum's listener or by `execute`. */
  reported: boolean;
  /** Set when the call timed out: what its signal was aborted with and what `execute` throws. */
  timeoutError?: CallTimeoutError;
}

/** Thrown inside opossum when `isFailure` judges a result a failure; `execute` still returns the result. */
class FailedResult extends Error {
  constructor(readonly result: unknown) {
    super('the call returned a result judged a failure');
    this.name = 'FailedResult';
  }
}

const now = (): number => performance.now();

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

export class CircuitBreaker {
  readonly name: string;
  private currentSettings: BreakerSettings;
  private readonly isFailureError: (error: unknown) => boolean;
  private readonly events = new TypedEmitter<CircuitBreakerEvents>();
  private phase: Phase = { kind: 'closed' };
  private circuit: OpossumCircuit<Call>;
  private isShutdown = false;

  constructor(options: CircuitBreakerOptions) {
    this.name = options.name;
    this.currentSettings = validated(options.settings ?? {}, DEFAULT_BREAKER_SETTINGS);
    this.isFailureError = options.isFailureError ?? (() => true);
    this.circuit = this.createCircuit();
  }

  get state(): BreakerState {
    return this.phase.kind;
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
   * as one and still returned; errors are counted (see `isFailureError`) and rethrown.
   * @throws CircuitOpenError when open, or half-open with every probe slot taken
   * @throws CallTimeoutError when the call ran past `callTimeoutMs`
   * @throws BreakerShutdownError after {@link shutdown}
   */
  execute<T>(work: (signal: AbortSignal) => Promise<T>, isFailure?: (result: T) => boolean): Promise<T> {
    // Not async: the closed path without a call timeout returns executeClosed's promise itself,
    // so a call through the breaker costs no promise layer of its own.
    if (this.isShutdown) return Promise.reject(new BreakerShutdownError(this.name));
    let probeOf: HalfOpen | undefined;
    try {
      probeOf = this.admit();
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- admit() throws CircuitOpenError only
      return Promise.reject(error);
    }
    if (probeOf === undefined && this.currentSettings.callTimeoutMs === 0 && isFailure === undefined)
      return this.executeClosed(work);
    return this.executeTracked(work, isFailure, probeOf);
  }

  /** A call through opossum: with a call timeout, a result check, or as a half-open probe. */
  private async executeTracked<T>(
    work: (signal: AbortSignal) => Promise<T>,
    isFailure: ((result: T) => boolean) | undefined,
    probeOf: HalfOpen | undefined,
  ): Promise<T> {
    const call: Call = {
      work,
      isFailure: isFailure as ((result: unknown) => boolean) | undefined,
      controller: this.currentSettings.callTimeoutMs > 0 ? new AbortController() : undefined,
      startedAtMs: now(),
      timeoutMs: this.currentSettings.callTimeoutMs,
      probeOf,
      reported: false,
    };
    try {
      const result = (await this.circuit.fire(call)) as T;
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
  private executeClosed<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const permit = this.closedCall();
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
   * {@link execute} (open, half-open, shut down, or a timeout to enforce).
   */
  closedPermit(): ClosedPermit | undefined {
    if (this.isShutdown || this.phase.kind !== 'closed' || this.currentSettings.callTimeoutMs !== 0)
      return undefined;
    return this.closedCall();
  }

  private closedCall(): ClosedPermit {
    const circuit = this.circuit;
    const startedAtMs = now();
    return {
      succeeded: () => this.recordSuccess(circuit, startedAtMs),
      failed: (error) => {
        if (this.countsAsFailure(error)) return this.recordFailure(circuit, startedAtMs, error);
        this.recordSuccess(circuit, startedAtMs);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the call's own error, unchanged
        return Promise.reject(error);
      },
    };
  }

  private recordSuccess(circuit: OpossumCircuit<Call>, startedAtMs: number): void {
    // A window replaced meanwhile (new settings, or open then half-open) no longer takes this call.
    if (circuit === this.circuit) {
      circuit.status.increment('fires');
      circuit.status.increment('successes');
    }
    this.events.emit('success', now() - startedAtMs);
  }

  /** Replays a failed closed-state call through opossum: it counts it and may open the breaker. */
  private async recordFailure(
    circuit: OpossumCircuit<Call>,
    startedAtMs: number,
    error: unknown,
  ): Promise<never> {
    const call: Call = {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the work's own reason, unchanged
      work: () => Promise.reject(error),
      isFailure: undefined,
      controller: undefined,
      startedAtMs,
      timeoutMs: 0,
      probeOf: undefined,
      reported: false,
    };
    // Only a closed window takes it: after the breaker opened, opossum would count a rejection.
    if (circuit === this.circuit && this.phase.kind === 'closed' && !this.isShutdown)
      await circuit.fire(call).catch(() => undefined);
    this.report(call, 'error');
    throw error;
  }

  /** Counts in the current window. */
  stats(): BreakerStats {
    const counts = this.circuit.stats;
    return {
      state: this.state,
      calls: counts.fires,
      successes: counts.successes,
      failures: counts.failures,
      timeouts: counts.timeouts,
      rejections: counts.rejects,
      errorPercentage: counts.fires > 0 ? (counts.failures / counts.fires) * 100 : 0,
    };
  }

  /**
   * Validates `partial` over the current settings and applies it without losing the state: open
   * stays open (half-open comes at opened time + the new resetTimeoutMs), half-open keeps its
   * probes. The opossum instance is replaced; the window's counts move to the new one's newest
   * bucket, and calls in flight finish on the old one (their outcomes still count for events and
   * probes).
   * @throws InvalidBreakerSettingsError listing every problem
   */
  updateSettings(partial: Partial<BreakerSettings>): BreakerSettings {
    const settings = validated(partial, this.currentSettings);
    if (this.isShutdown) return settings;
    this.currentSettings = settings;
    this.replaceCircuit(carry(this.circuit));
    const phase = this.phase;
    if (phase.kind === 'open') {
      clearTimeout(phase.timer);
      phase.halfOpenAtMs = phase.openedAtMs + settings.resetTimeoutMs;
      phase.timer = this.scheduleHalfOpen(phase.halfOpenAtMs - now());
    }
    return settings;
  }

  /** Stops timers and listeners; later calls throw BreakerShutdownError. Calls in flight finish. */
  shutdown(): void {
    if (this.isShutdown) return;
    this.isShutdown = true;
    if (this.phase.kind === 'open') clearTimeout(this.phase.timer);
    this.circuit.shutdown();
    this.events.removeAll();
  }

  /** Lets a call through (returning its probe slot when half-open) or throws CircuitOpenError. */
  private admit(): HalfOpen | undefined {
    const phase = this.phase;
    if (phase.kind === 'closed') return undefined;
    if (phase.kind === 'half-open' && phase.probesInFlight < this.currentSettings.halfOpenMaxProbes) {
      phase.probesInFlight++;
      return phase;
    }
    this.circuit.status.increment('rejects');
    this.events.emit('reject');
    const retryAfterSeconds =
      phase.kind === 'open' ? Math.max(1, Math.ceil((phase.halfOpenAtMs - now()) / 1000)) : 1;
    throw new CircuitOpenError(this.name, phase.kind, retryAfterSeconds);
  }

  /** Records a call's outcome once, emits its event, and lets a probe decide the half-open phase. */
  private report(call: Call, outcome: 'success' | FailureReason): void {
    if (call.reported) return;
    call.reported = true;
    const latencyMs = now() - call.startedAtMs;
    if (outcome === 'timeout') {
      call.timeoutError = new CallTimeoutError(this.name, call.timeoutMs);
      call.controller?.abort(call.timeoutError);
    }
    if (outcome === 'success') this.events.emit('success', latencyMs);
    else this.events.emit('failure', latencyMs, outcome);
    if (call.probeOf !== undefined && call.probeOf === this.phase && !this.isShutdown) {
      if (outcome === 'success') this.transition({ kind: 'closed' });
      else this.open();
    }
  }

  private open(): void {
    const openedAtMs = now();
    const halfOpenAtMs = openedAtMs + this.currentSettings.resetTimeoutMs;
    const timer = this.scheduleHalfOpen(this.currentSettings.resetTimeoutMs);
    this.transition({ kind: 'open', openedAtMs, halfOpenAtMs, timer });
  }

  private halfOpen(): void {
    if (this.isShutdown) return;
    // A fresh window: only the probes, and what follows them, count from here.
    this.replaceCircuit(undefined);
    this.transition({ kind: 'half-open', probesInFlight: 0 });
  }

  private transition(to: Phase): void {
    const from = this.phase.kind;
    this.phase = to;
    this.events.emit('stateChange', from, to.kind);
  }

  private scheduleHalfOpen(delayMs: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => this.halfOpen(), Math.max(0, delayMs));
    timer.unref();
    return timer;
  }

  private replaceCircuit(carried: CarriedCounts | undefined): void {
    const old = this.circuit;
    this.circuit = this.createCircuit(carried);
    // Calls still running on the old instance settle normally; `execute` reports them.
    old.shutdown();
  }

  private createCircuit(carried?: CarriedCounts): OpossumCircuit<Call> {
    const circuit = createOpossumCircuit<Call>({
      name: this.name,
      settings: this.currentSettings,
      action: runCall,
      errorFilter: (error) =>
        !(error instanceof FailedResult) && !isOpossumError(error) && !this.countsAsFailure(error),
      carried,
    });
    // opossum emits `failure` before it decides to open, so the failure event precedes the state change.
    circuit.on('failure', (error, _latencyMs, [call]) => {
      this.report(
        call,
        error instanceof FailedResult ? 'result' : isOpossumTimeout(error) ? 'timeout' : 'error',
      );
    });
    circuit.on('open', () => {
      if (circuit === this.circuit && this.phase.kind !== 'open' && !this.isShutdown) this.open();
    });
    return circuit;
  }

  private countsAsFailure(error: unknown): boolean {
    try {
      return this.isFailureError(error);
    } catch {
      return true;
    }
  }
}

async function runCall(call: Call): Promise<unknown> {
  const result = await call.work(call.controller?.signal ?? NEVER_ABORTED);
  if (call.isFailure?.(result)) throw new FailedResult(result);
  return result;
}

function validated(partial: Partial<BreakerSettings>, base: BreakerSettings): BreakerSettings {
  const outcome = validateBreakerSettings(partial, base);
  if (!outcome.ok) throw new InvalidBreakerSettingsError(outcome.problems);
  return outcome.settings;
}

function carry<C>(circuit: OpossumCircuit<C>): CarriedCounts {
  const { fires, successes, failures, timeouts, rejects } = circuit.stats;
  return { fires, successes, failures, timeouts, rejects };
}
