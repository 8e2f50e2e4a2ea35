import type { ServiceInstance } from './service-instance.js';

/** Gaps older than this no longer matter: every TTL is seconds, not minutes. */
const GAP_MEMORY_MS = 10 * 60_000;
const MAX_GAPS = 64;

export interface LivenessOptions {
  /** Without a successful read of the topic for this long, report self-preservation. */
  readonly selfPreservationAfterMs: number;
  /**
   * A healthy consumer reads the topic several times a second (kafkajs fetches return at least every
   * `maxWaitTimeInMs`); a longer silence than this counts as lost contact. Default 1 s.
   */
  readonly contactGapMs?: number;
  /**
   * After an outage (a stretch without contact of at least `selfPreservationAfterMs`), an instance
   * live when it began is kept at least this long (or its TTL, if longer) from its end, waiting for
   * its first heartbeat. Default 5 s.
   */
  readonly recoveryGraceMs?: number;
  readonly now: () => number;
}

/**
 * Decides whether an instance is still live.
 *
 * An instance is live while its last heartbeat is younger than its TTL — but only time during which
 * this view could read the topic counts. Heartbeats also stop arriving when *this* process cannot read
 * Kafka; if that time counted, every instance would expire at once and callers would have nowhere to
 * send requests. So while contact is lost, the clock of every TTL stops (Eureka calls this
 * self-preservation): the view keeps every instance it knows, and callers rely on passive health
 * (failures, ejection) meanwhile. When contact returns, every instance that was live when it was lost
 * gets a whole TTL from that moment, and after an outage (a gap of `selfPreservationAfterMs` or more)
 * never less than `recoveryGraceMs`: its publisher lost the broker too and needs a moment to
 * reconnect and get a heartbeat through (resuming the clocks where they stopped could leave it a
 * fraction of a beat, and on a loaded machine a short TTL was not enough either; both expired a whole
 * service at once). Dead instances expire that long after the return. A record first read after the
 * outage is judged the same way, so one already expired when contact was lost stays expired.
 * Contact often comes back in stutters (a new consumer joins its group, a broker elects leaders), so
 * every recent gap counts, not only the last: an instance live when the outage began keeps its grace
 * through the short gaps after it.
 *
 * An instance restored from the registry snapshot at start (Kafka could not be read then) is judged
 * as if it had sent a heartbeat at the restore: it stays while contact is lost, and once the topic
 * answers it expires like any instance that was live when an outage began, unless a record read from
 * the topic (which replaces it) says otherwise.
 *
 * Because the clocks stop as soon as a read is overdue (`contactGapMs`), this holds for TTLs of any
 * length; `selfPreservationAfterMs` decides when the mode is reported (logs, metrics, admin API) and
 * which gaps were outages.
 */
export class Liveness {
  private lastContact: number;
  private preserving = false;
  private preservedSince = 0;
  /**
   * Recent finished stretches without contact, oldest first: instances live when one began get a new
   * TTL from its end. Kept for `GAP_MEMORY_MS`, far longer than any TTL.
   */
  private readonly gaps: { start: number; end: number }[] = [];
  private readonly contactGapMs: number;
  private readonly recoveryGraceMs: number;

  constructor(private readonly options: LivenessOptions) {
    this.lastContact = options.now();
    this.contactGapMs = options.contactGapMs ?? 1_000;
    this.recoveryGraceMs = options.recoveryGraceMs ?? 5_000;
  }

  /** A successful read of the topic (even one that brought nothing new). */
  contact(): void {
    const now = this.options.now();
    if (now - this.lastContact > this.contactGapMs) {
      this.gaps.push({ start: this.lastContact, end: now });
      while (this.gaps.length > MAX_GAPS || now - this.gaps[0]!.end > GAP_MEMORY_MS) this.gaps.shift();
    }
    this.lastContact = now;
  }

  get selfPreserving(): boolean {
    return this.preserving;
  }

  /** When the current self-preservation began (0 when not preserving). */
  get since(): number {
    return this.preserving ? this.preservedSince : 0;
  }

  get msSinceContact(): number {
    return this.options.now() - this.lastContact;
  }

  /** Re-evaluates the reported mode; returns the transition, if any. */
  update(): 'entered' | 'left' | undefined {
    const now = this.options.now();
    const lost = now - this.lastContact > this.options.selfPreservationAfterMs;
    if (lost && !this.preserving) {
      this.preserving = true;
      this.preservedSince = now;
      return 'entered';
    }
    if (!lost && this.preserving) {
      this.preserving = false;
      return 'left';
    }
    return undefined;
  }

  isExpired(instance: ServiceInstance, now: number): boolean {
    const { heartbeatAt, ttlMs } = instance;
    // While contact is lost, time stands still at the last read.
    const end = now - this.lastContact > this.contactGapMs ? this.lastContact : now;
    // The moment its allowance counts from: the heartbeat, or its arrival if that was earlier (one
    // stamped in the future, by a producer's clock ahead or a hostile writer, would otherwise never
    // expire); for an instance restored from the snapshot, the restore (its old heartbeat says
    // nothing of now); or the end of a gap it was live at the start of (and then the allowance is
    // the recovery grace, if longer than the TTL).
    let from = instance.restoredAt ?? Math.min(heartbeatAt, instance.receivedAt ?? heartbeatAt);
    let allowance = ttlMs;
    for (const gap of this.gaps) {
      if (gap.end <= from) continue;
      // Already expired when contact was lost: the outage gives it nothing back.
      if (gap.start - from > allowance) return true;
      from = gap.end;
      // An outage (long enough to be reported) cut the publishers off too: the recovery grace, kept
      // through the short gaps that follow it. A mere stutter of this view's reads: a TTL.
      const outage = gap.end - gap.start >= this.options.selfPreservationAfterMs;
      if (outage || allowance > ttlMs) allowance = Math.max(ttlMs, this.recoveryGraceMs);
    }
    return end - from > allowance;
  }
}
