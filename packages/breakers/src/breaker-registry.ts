/**
 * Hands out one breaker per upstream instance and per route, and fans every breaker's events in
 * to one stream, so metrics (see breaker-metrics.ts) and logs subscribe in one place.
 */
import {
  type BreakerSettings,
  DEFAULT_BREAKER_SETTINGS,
  validateBreakerSettings,
} from './breaker-settings.js';
import type { BreakerState, FailureReason } from './breaker-events.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { InvalidBreakerSettingsError } from './errors.js';
import { TypedEmitter } from './internal/typed-emitter.js';

/** What a breaker guards. Instance breakers are per service instance; route breakers per gateway route pattern. */
export type BreakerIdentity =
  | {
      readonly kind: 'instance';
      readonly name: string;
      readonly service: string;
      readonly instanceId: string;
    }
  | { readonly kind: 'route'; readonly name: string; readonly route: string };

export type BreakerKind = BreakerIdentity['kind'];

export type BreakerRegistryEvent =
  | { readonly type: 'added'; readonly breaker: BreakerIdentity; readonly state: BreakerState }
  | { readonly type: 'removed'; readonly breaker: BreakerIdentity }
  | {
      readonly type: 'stateChange';
      readonly breaker: BreakerIdentity;
      readonly from: BreakerState;
      readonly to: BreakerState;
    }
  | { readonly type: 'success'; readonly breaker: BreakerIdentity; readonly latencyMs: number }
  | {
      readonly type: 'failure';
      readonly breaker: BreakerIdentity;
      readonly latencyMs: number;
      readonly reason: FailureReason;
    }
  | { readonly type: 'reject'; readonly breaker: BreakerIdentity }
  | {
      readonly type: 'slowCall';
      readonly breaker: BreakerIdentity;
      readonly elapsedMs: number;
      /** Found while still running (it then finishes later, with its own success or failure). */
      readonly stillRunning: boolean;
    };

export interface RegisteredBreaker {
  readonly identity: BreakerIdentity;
  readonly breaker: CircuitBreaker;
}

export interface BreakerRegistryOptions {
  /** What every breaker starts from; `forInstance`/`forRoute` may override fields. Validated. */
  readonly defaults?: Partial<BreakerSettings>;
  /** Passed to every breaker: which thrown errors count against the upstream (default: all). */
  readonly isFailureError?: (error: unknown) => boolean;
}

export function instanceBreakerName(service: string, instanceId: string): string {
  return `instance:${service}/${instanceId}`;
}

export function routeBreakerName(route: string): string {
  return `route:${route}`;
}

interface Entry extends RegisteredBreaker {
  readonly unsubscribe: () => void;
}

export class BreakerRegistry {
  /** Settings a breaker gets when its caller overrides nothing. */
  readonly defaults: BreakerSettings;
  private readonly isFailureError: ((error: unknown) => boolean) | undefined;
  private readonly entries = new Map<string, Entry>();
  private readonly events = new TypedEmitter<{ event: [BreakerRegistryEvent] }>();

  constructor(options: BreakerRegistryOptions = {}) {
    const outcome = validateBreakerSettings(options.defaults ?? {}, DEFAULT_BREAKER_SETTINGS);
    if (!outcome.ok) throw new InvalidBreakerSettingsError(outcome.problems);
    this.defaults = outcome.settings;
    this.isFailureError = options.isFailureError;
  }

  /**
   * The breaker for one instance of a service, created on first use. `settings` apply only when it
   * is created; change a live breaker with `updateSettings`.
   */
  forInstance(service: string, instanceId: string, settings?: Partial<BreakerSettings>): CircuitBreaker {
    const name = instanceBreakerName(service, instanceId);
    return this.getOrCreate({ kind: 'instance', name, service, instanceId }, settings);
  }

  /** The breaker for a route pattern (e.g. `/orders/:id`, never a raw URL), created on first use. */
  forRoute(route: string, settings?: Partial<BreakerSettings>): CircuitBreaker {
    return this.getOrCreate({ kind: 'route', name: routeBreakerName(route), route }, settings);
  }

  get(name: string): CircuitBreaker | undefined {
    return this.entries.get(name)?.breaker;
  }

  identity(name: string): BreakerIdentity | undefined {
    return this.entries.get(name)?.identity;
  }

  all(): readonly RegisteredBreaker[] {
    return [...this.entries.values()].map(({ identity, breaker }) => ({ identity, breaker }));
  }

  /** Shuts the breaker down and forgets it, e.g. when its instance leaves the service registry. */
  remove(name: string): boolean {
    const entry = this.entries.get(name);
    if (!entry) return false;
    this.entries.delete(name);
    entry.unsubscribe();
    entry.breaker.shutdown();
    this.events.emit('event', { type: 'removed', breaker: entry.identity });
    return true;
  }

  /** Removes every breaker (on process shutdown). */
  shutdown(): void {
    for (const name of [...this.entries.keys()]) this.remove(name);
  }

  /** Every breaker's events, present and future, with the breaker's identity. Returns the unsubscribe. */
  onEvent(listener: (event: BreakerRegistryEvent) => void): () => void {
    return this.events.on('event', listener);
  }

  private getOrCreate(
    identity: BreakerIdentity,
    settings: Partial<BreakerSettings> | undefined,
  ): CircuitBreaker {
    const existing = this.entries.get(identity.name);
    if (existing) return existing.breaker;
    const breaker = new CircuitBreaker({
      name: identity.name,
      settings: { ...this.defaults, ...settings },
      isFailureError: this.isFailureError,
    });
    const emit = (event: BreakerRegistryEvent) => this.events.emit('event', event);
    const subscriptions = [
      breaker.on('stateChange', (from, to) => emit({ type: 'stateChange', breaker: identity, from, to })),
      breaker.on('success', (latencyMs) => emit({ type: 'success', breaker: identity, latencyMs })),
      breaker.on('failure', (latencyMs, reason) =>
        emit({ type: 'failure', breaker: identity, latencyMs, reason }),
      ),
      breaker.on('reject', () => emit({ type: 'reject', breaker: identity })),
      breaker.on('slowCall', (elapsedMs, stillRunning) =>
        emit({ type: 'slowCall', breaker: identity, elapsedMs, stillRunning }),
      ),
    ];
    this.entries.set(identity.name, {
      identity,
      breaker,
      unsubscribe: () => subscriptions.forEach((unsubscribe) => unsubscribe()),
    });
    emit({ type: 'added', breaker: identity, state: breaker.state });
    return breaker;
  }
}
