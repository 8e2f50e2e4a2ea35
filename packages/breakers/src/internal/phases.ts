/**
 * The breaker's three states and the timer from open to half-open. Open is timed here, not by
 * opossum, so a settings update can honour the time already spent open (opossum, restored open,
 * restarts the whole reset timeout). Each state carries what only it needs.
 */
import type { BreakerState } from '../breaker-events.js';
import { now } from './clock.js';

export type Phase = Closed | Open | HalfOpen;

export interface Closed {
  readonly kind: 'closed';
}

export interface Open {
  readonly kind: 'open';
  readonly openedAtMs: number;
  /** openedAtMs + resetTimeoutMs; moves if resetTimeoutMs is updated while open. */
  halfOpenAtMs: number;
  timer: ReturnType<typeof setTimeout>;
}

export interface HalfOpen {
  readonly kind: 'half-open';
  /** Probes let through and not finished yet; at most halfOpenMaxProbes. */
  probesInFlight: number;
}

export interface PhaseHooks {
  readonly resetTimeoutMs: () => number;
  /** The reset timeout has passed: runs just before the state becomes half-open. */
  readonly beforeHalfOpen: () => void;
  readonly changed: (from: BreakerState, to: BreakerState) => void;
}

export class Phases {
  private phase: Phase = { kind: 'closed' };
  private stopped = false;

  constructor(private readonly hooks: PhaseHooks) {}

  get current(): Phase {
    return this.phase;
  }

  /**
   * Lets a call through: undefined when closed, the half-open phase when one of its `maxProbes`
   * probe slots is free (now taken), false when the call must be refused.
   */
  admit(maxProbes: number): HalfOpen | undefined | false {
    const phase = this.phase;
    if (phase.kind === 'closed') return undefined;
    if (phase.kind === 'half-open' && phase.probesInFlight < maxProbes) {
      phase.probesInFlight++;
      return phase;
    }
    return false;
  }

  /** Whole seconds until calls are let through again (at least 1). */
  retryAfterSeconds(): number {
    const phase = this.phase;
    return phase.kind === 'open' ? Math.max(1, Math.ceil((phase.halfOpenAtMs - now()) / 1000)) : 1;
  }

  open(): void {
    const resetTimeoutMs = this.hooks.resetTimeoutMs();
    const openedAtMs = now();
    const timer = this.scheduleHalfOpen(resetTimeoutMs);
    this.transition({ kind: 'open', openedAtMs, halfOpenAtMs: openedAtMs + resetTimeoutMs, timer });
  }

  close(): void {
    this.transition({ kind: 'closed' });
  }

  /** The reset timeout changed: an open breaker half-opens at opened time + the new one. */
  retime(): void {
    const phase = this.phase;
    if (phase.kind !== 'open') return;
    clearTimeout(phase.timer);
    phase.halfOpenAtMs = phase.openedAtMs + this.hooks.resetTimeoutMs();
    phase.timer = this.scheduleHalfOpen(phase.halfOpenAtMs - now());
  }

  /** No more timers: an open breaker stays open. */
  stop(): void {
    this.stopped = true;
    if (this.phase.kind === 'open') clearTimeout(this.phase.timer);
  }

  private halfOpen(): void {
    if (this.stopped) return;
    this.hooks.beforeHalfOpen();
    this.transition({ kind: 'half-open', probesInFlight: 0 });
  }

  private transition(to: Phase): void {
    const from = this.phase.kind;
    this.phase = to;
    this.hooks.changed(from, to.kind);
  }

  private scheduleHalfOpen(delayMs: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => this.halfOpen(), Math.max(0, delayMs));
    timer.unref();
    return timer;
  }
}
