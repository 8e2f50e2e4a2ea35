import { EventEmitter } from 'node:events';

import type { Kafka } from 'kafkajs';

import { TopicFollower } from '@platform/kafka';
import type { Logger } from '@platform/observability';

import { parseRegistryMessage, type InstanceRecord, type InvalidReason } from './instance-record.js';
import { Liveness } from './liveness.js';
import { toServiceInstance, type ServiceInstance } from './service-instance.js';

export type RemovalReason = 'left' | 'expired';

export interface RegistryViewEvents {
  added: [instance: ServiceInstance];
  updated: [instance: ServiceInstance];
  removed: [instance: ServiceInstance, reason: RemovalReason];
  invalid: [reason: InvalidReason, problem: string];
  caughtUp: [];
  /** Entered (true) or left (false) self-preservation: see {@link Liveness}. */
  selfPreservation: [active: boolean];
  /** A record read once caught up: how long after its producer wrote it (the update's propagation delay). */
  delivered: [delayMs: number];
}

export interface RegistryViewOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly logger: Logger;
  /** Who is watching, for the consumer group name (each view reads the whole topic itself). */
  readonly viewerId: string;
  readonly now?: () => number;
  /** How often expired instances are removed and announced as such. */
  readonly sweepIntervalMs?: number;
  /** No successful read of the topic for this long: stop expiring instances (default 3 s). */
  readonly selfPreservationAfterMs?: number;
}

/**
 * A live view of every instance on the platform, built from the compacted registry topic: each
 * view reads the topic from the start and then follows it. An instance is in the view from its
 * first valid record until its tombstone, or until its heartbeats stop for longer than its TTL.
 * Malformed messages are counted and ignored; they never crash the view or remove an instance.
 * While the view cannot read Kafka it keeps what it knows instead of expiring it (see {@link Liveness}).
 */
export class RegistryView extends EventEmitter<RegistryViewEvents> {
  private readonly instancesById = new Map<string, ServiceInstance>();
  private readonly now: () => number;
  private readonly follower: TopicFollower;
  private sweepTimer: NodeJS.Timeout | undefined;
  private restoredCount = 0;
  readonly liveness: Liveness;

  constructor(private readonly options: RegistryViewOptions) {
    super();
    this.now = options.now ?? Date.now;
    this.liveness = new Liveness({
      selfPreservationAfterMs: options.selfPreservationAfterMs ?? 3_000,
      now: this.now,
    });
    // Each view reads the whole topic itself, in a consumer group of its own; a crashed consumer is
    // replaced by one of a new group, so the view is current again as soon as Kafka is back.
    this.follower = new TopicFollower({
      kafka: options.kafka,
      topic: options.topic,
      logger: options.logger,
      what: 'registry',
      groupPrefix: `registry-view.${options.viewerId}`,
      maxRetryDelayMs: 1_000,
      onContact: () => this.liveness.contact(),
      onMessage: (key, value, timestampMs) => {
        const caughtUp = this.follower.caughtUp;
        this.apply(key, value);
        if (caughtUp) this.emit('delivered', this.now() - timestampMs);
      },
    });
    this.follower.on('caughtUp', () => this.emit('caughtUp'));
  }

  /**
   * Starts following the topic in the background and returns at once: a broker that is down, or still
   * loading its group coordinator (it refuses joins for a while after it starts), is tried again and
   * again, and {@link whenCaughtUp} tells when the view has read the topic.
   */
  start(): Promise<void> {
    this.follower.start();
    this.sweepTimer ??= setInterval(() => this.sweep(), this.options.sweepIntervalMs ?? 500);
    this.sweepTimer.unref();
    return Promise.resolve();
  }

  /** Resolves true when every record that was on the topic at start has been read, false after `timeoutMs`. */
  whenCaughtUp(timeoutMs: number): Promise<boolean> {
    return this.follower.whenCaughtUp(timeoutMs);
  }

  get caughtUp(): boolean {
    return this.follower.caughtUp;
  }

  /** Records on the topic this view has not read yet, as of its last fetch; undefined before one. */
  lag(): number | undefined {
    return this.follower.lag();
  }

  /** Live instances of `service` that take new work (status up), in a stable order. */
  instances(service: string): ServiceInstance[] {
    const now = this.now();
    const result: ServiceInstance[] = [];
    for (const instance of this.instancesById.values()) {
      if (instance.service === service && instance.status === 'up' && !this.liveness.isExpired(instance, now))
        result.push(instance);
    }
    return result.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Every live instance (draining ones included), grouped by service. */
  snapshot(): Map<string, ServiceInstance[]> {
    const now = this.now();
    const byService = new Map<string, ServiceInstance[]>();
    for (const instance of this.instancesById.values()) {
      if (this.liveness.isExpired(instance, now)) continue;
      const list = byService.get(instance.service) ?? [];
      list.push(instance);
      byService.set(instance.service, list);
    }
    for (const list of byService.values()) list.sort((a, b) => (a.id < b.id ? -1 : 1));
    return byService;
  }

  /**
   * Adds instances from the registry snapshot, for a view that could not read the topic at start:
   * each one not already known, marked `restoredAt` (see {@link Liveness}) and announced as `added`.
   * A record read from the topic later replaces it. The viewer's own instance is skipped: it is the
   * one starting (perhaps on another port), and announces itself. Returns how many were added.
   */
  restore(records: readonly InstanceRecord[]): number {
    const now = this.now();
    let added = 0;
    for (const record of records) {
      if (record.instanceId === this.options.viewerId || this.instancesById.has(record.instanceId)) continue;
      const instance: ServiceInstance = { ...toServiceInstance(record), restoredAt: now };
      this.instancesById.set(instance.id, instance);
      this.emit('added', instance);
      added++;
    }
    this.restoredCount += added;
    return added;
  }

  /** Instances restored from the snapshot since start (0 if the view did not need it). */
  get restored(): number {
    return this.restoredCount;
  }

  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    await this.follower.stop();
  }

  /** Applies one raw message. Public so the parsing rules can be tested without a broker. */
  apply(key: Buffer | null, value: Buffer | null): void {
    const parsed = parseRegistryMessage(key, value);
    switch (parsed.kind) {
      case 'invalid':
        this.options.logger.warn(
          { reason: parsed.reason, problem: parsed.problem },
          'ignored an invalid registry message',
        );
        this.emit('invalid', parsed.reason, parsed.problem);
        return;
      case 'tombstone': {
        const existing = this.instancesById.get(parsed.instanceId);
        if (existing) {
          this.instancesById.delete(parsed.instanceId);
          this.emit('removed', existing, 'left');
        }
        return;
      }
      case 'record': {
        const now = this.now();
        const instance: ServiceInstance = { ...toServiceInstance(parsed.record), receivedAt: now };
        const existing = this.instancesById.get(instance.id);
        if (this.liveness.isExpired(instance, now)) {
          // An old record, read while catching up: that instance is not live.
          this.instancesById.delete(instance.id);
          if (existing) this.emit('removed', existing, 'expired');
          return;
        }
        this.instancesById.set(instance.id, instance);
        this.emit(existing ? 'updated' : 'added', instance);
        return;
      }
    }
  }

  private sweep(): void {
    const transition = this.liveness.update();
    if (transition === 'entered') {
      this.options.logger.warn(
        { msSinceContact: this.liveness.msSinceContact, instances: this.instancesById.size },
        'lost contact with the registry topic: self-preservation on, keeping every known instance',
      );
      this.emit('selfPreservation', true);
    } else if (transition === 'left') {
      this.options.logger.info('the registry topic is readable again: self-preservation off, TTLs run again');
      this.emit('selfPreservation', false);
    }
    const now = this.now();
    for (const [id, instance] of this.instancesById) {
      if (this.liveness.isExpired(instance, now)) {
        this.instancesById.delete(id);
        this.options.logger.warn(
          {
            service: instance.service,
            instanceId: id,
            heartbeatAgeMs: now - instance.heartbeatAt,
            ttlMs: instance.ttlMs,
            msSinceContact: this.liveness.msSinceContact,
          },
          `${instance.service} instance ${id} expired: no heartbeat within its TTL`,
        );
        this.emit('removed', instance, 'expired');
      }
    }
  }
}
