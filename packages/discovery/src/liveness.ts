import type { ServiceInstance } from './service-instance.js';

export interface LivenessOptions {
  /** Without a successful read of the topic for this long, stop expiring instances. */
  readonly selfPreservationAfterMs: number;
  readonly now: () => number;
}

/**
 * Decides whether an instance is still live, and when not to decide at all.
 *
 * Normally an instance is live while its last heartbeat is younger than its TTL. But heartbeats
 * can also stop arriving because *this* process cannot read Kafka; then every instance would
 * expire at once and callers would have nowhere to send requests. So when the view has had no
 * contact with Kafka for a while it enters self-preservation (Eureka's term): it keeps every
 * instance it knows, and callers rely on passive health (failures, ejection) meanwhile. When
 * contact returns, the instances it kept get a fresh TTL from that moment: live ones heartbeat
 * within it, dead ones expire at its end.
 */
export class Liveness {
  private lastContact: number;
  private preserving = false;
  private preservedSince = 0;
  /** Instance id → time from which its TTL counts, for instances kept through an outage. */
  private readonly graceFrom = new Map<string, number>();

  constructor(private readonly options: LivenessOptions) {
    this.lastContact = options.now();
  }

  /** A successful read of the topic (even one that brought nothing new). */
  contact(): void {
    this.lastContact = this.options.now();
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

  /** Re-evaluates the mode; returns the transition, if any. `known` are the ids in the view now. */
  update(known: Iterable<string>): 'entered' | 'left' | undefined {
    const now = this.options.now();
    const lost = now - this.lastContact > this.options.selfPreservationAfterMs;
    if (lost && !this.preserving) {
      this.preserving = true;
      this.preservedSince = now;
      return 'entered';
    }
    if (!lost && this.preserving) {
      this.preserving = false;
      for (const id of known) this.graceFrom.set(id, now);
      return 'left';
    }
    return undefined;
  }

  isExpired(instance: ServiceInstance, now: number): boolean {
    if (this.preserving) return false;
    const from = Math.max(instance.heartbeatAt, this.graceFrom.get(instance.id) ?? 0);
    return now - from > instance.ttlMs;
  }

  forget(id: string): void {
    this.graceFrom.delete(id);
  }
}
