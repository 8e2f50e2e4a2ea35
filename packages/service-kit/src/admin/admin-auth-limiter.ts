/** A client's record: counting its wrong tokens in the current window, or refused until a time. */
type ClientState =
  | { readonly kind: 'counting'; readonly since: number; readonly failures: number }
  | { readonly kind: 'locked'; readonly until: number };

export type AdminAuthVerdict =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

export interface AdminAuthLimiterOptions {
  /** Wrong tokens one client may present within `windowMs`; the last of them locks it out. */
  readonly maxFailures: number;
  /** The window failures are counted in, and how long a locked-out client is refused. */
  readonly windowMs: number;
  /** Clients remembered at most; past it, the one whose last failure is oldest is forgotten. */
  readonly maxClients?: number;
  readonly now?: () => number;
}

/**
 * Slows down guessing the admin token: a client (an IP address) that presents `maxFailures` wrong
 * tokens within `windowMs` is refused for `windowMs` after the last of them, before its token is
 * even compared. Other clients are unaffected. The table is bounded, so a client spraying source
 * addresses costs at most `maxClients` entries — each of its addresses then gets its own few
 * guesses, which no per-address limit can prevent.
 */
export class AdminAuthLimiter {
  private readonly clients = new Map<string, ClientState>();
  private readonly maxClients: number;
  private readonly now: () => number;

  constructor(readonly options: AdminAuthLimiterOptions) {
    this.maxClients = options.maxClients ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Whether `client` may present a token now. */
  check(client: string): AdminAuthVerdict {
    const state = this.clients.get(client);
    if (state?.kind !== 'locked') return { allowed: true };
    const retryAfterMs = state.until - this.now();
    if (retryAfterMs > 0) return { allowed: false, retryAfterMs };
    this.clients.delete(client);
    return { allowed: true };
  }

  /** Counts a wrong token from `client`. True when this one locks it out, so a lockout is reported once. */
  recordFailure(client: string): boolean {
    const now = this.now();
    const state = this.clients.get(client);
    if (state?.kind === 'locked' && state.until > now) return false;
    const counting =
      state?.kind === 'counting' && now - state.since < this.options.windowMs
        ? { ...state, failures: state.failures + 1 }
        : { kind: 'counting' as const, since: now, failures: 1 };
    const locked = counting.failures >= this.options.maxFailures;
    this.remember(client, locked ? { kind: 'locked', until: now + this.options.windowMs } : counting);
    return locked;
  }

  /** A right token: the client's earlier failures are forgotten. */
  recordSuccess(client: string): void {
    this.clients.delete(client);
  }

  /** Clients remembered now (at most `maxClients`). */
  get size(): number {
    return this.clients.size;
  }

  /** Re-inserted, so the map's order is the order of last failures and the first entry is the oldest. */
  private remember(client: string, state: ClientState): void {
    this.clients.delete(client);
    this.clients.set(client, state);
    if (this.clients.size > this.maxClients) {
      const oldest = this.clients.keys().next();
      if (!oldest.done) this.clients.delete(oldest.value);
    }
  }
}
