import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';

import type { Consumer, Kafka } from 'kafkajs';

import type { Logger } from '@platform/observability';

import { parseRegistryMessage, type InvalidReason } from './instance-record.js';
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
  private consumer: Consumer | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  /** Per partition: the offset to reach before the view counts as caught up. */
  private readonly catchUpTargets = new Map<number, bigint>();
  /** Per partition: the offset of the next record to apply. */
  private readonly nextOffsets = new Map<number, bigint>();
  /** Per partition: records not read yet, as of the last batch. */
  private readonly lags = new Map<number, number>();
  private stopped = false;
  private isCaughtUp = false;
  readonly liveness: Liveness;

  constructor(private readonly options: RegistryViewOptions) {
    super();
    this.now = options.now ?? Date.now;
    this.liveness = new Liveness({
      selfPreservationAfterMs: options.selfPreservationAfterMs ?? 3_000,
      now: this.now,
    });
  }

  /**
   * Starts following the topic. Resolves once connected, or once the first consumer failed to join
   * (a broker still loading its group coordinator refuses joins for a while after it starts): then
   * new consumers are tried in the background, a second apart, and {@link whenCaughtUp} tells when
   * the view has read the topic.
   */
  async start(): Promise<void> {
    const { kafka, topic } = this.options;
    for (const { partition, high, low } of await fetchOffsets(kafka, topic)) {
      if (BigInt(high) > BigInt(low)) this.catchUpTargets.set(partition, BigInt(high) - 1n);
    }
    this.checkCaughtUp();
    try {
      await this.follow();
    } catch (error) {
      this.options.logger.warn(
        { err: error },
        'could not follow the registry topic yet; retrying in the background (not caught up until then)',
      );
      void this.replace(undefined);
    }
    this.sweepTimer = setInterval(() => this.sweep(), this.options.sweepIntervalMs ?? 500);
    this.sweepTimer.unref();
  }

  /**
   * Reads the topic with a consumer of its own group, from where the view got to (the start, the first
   * time). A crashed consumer is replaced rather than restarted: a restarted one rejoins its old group,
   * and a broker that was down still holds the old member and keeps the group waiting for it until its
   * session times out (10 s here), so the view would stay stale that long after Kafka is back.
   */
  private async follow(): Promise<void> {
    const { kafka, topic } = this.options;
    const consumer = kafka.consumer({
      groupId: `registry-view.${this.options.viewerId}.${randomBytes(3).toString('hex')}`,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 250,
      retry: { restartOnFailure: () => Promise.resolve(false) },
    });
    consumer.on(consumer.events.FETCH, () => this.liveness.contact());
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      this.lags.set(payload.partition, Number(payload.offsetLag));
    });
    let crashedWhileStarting: Error | undefined;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.options.logger.warn(
        { err: payload.error },
        'the registry consumer crashed; a new one takes over, and the view keeps what it knows meanwhile',
      );
      if (this.consumer === consumer) void this.replace(consumer);
      // Not started yet: starting fails below, and whoever started it tries again.
      else crashedWhileStarting ??= payload.error;
    });
    try {
      await consumer.connect();
      this.liveness.contact();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: ({ partition, message }) => {
          const offset = BigInt(message.offset);
          // A replacement may see a few records again before its seek applies.
          if (offset < (this.nextOffsets.get(partition) ?? 0n)) return Promise.resolve();
          this.nextOffsets.set(partition, offset + 1n);
          this.apply(message.key, message.value);
          if (this.isCaughtUp) this.emit('delivered', this.now() - Number(message.timestamp));
          this.progress(partition, offset);
          return Promise.resolve();
        },
      });
      for (const [partition, offset] of this.nextOffsets)
        consumer.seek({ topic, partition, offset: String(offset) });
      if (crashedWhileStarting !== undefined) throw crashedWhileStarting;
    } catch (error) {
      await disconnectQuietly(consumer);
      throw error;
    }
    this.consumer = consumer;
  }

  private async replace(crashed: Consumer | undefined): Promise<void> {
    this.consumer = undefined;
    if (crashed) await disconnectQuietly(crashed);
    while (!this.stopped) {
      try {
        await this.follow();
        if (this.stopped) await this.stop();
        return;
      } catch (error) {
        this.options.logger.warn({ err: error }, 'could not reconnect to the registry topic yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
      }
    }
  }

  /** Resolves when every record that was on the topic at start has been read. */
  whenCaughtUp(timeoutMs: number): Promise<boolean> {
    if (this.isCaughtUp) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.off('caughtUp', done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.once('caughtUp', done);
    });
  }

  get caughtUp(): boolean {
    return this.isCaughtUp;
  }

  /** Records on the topic this view has not read yet, as of its last fetch; undefined before one. */
  lag(): number | undefined {
    if (this.lags.size === 0) return undefined;
    let total = 0;
    for (const lag of this.lags.values()) total += lag;
    return total;
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

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
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
        const instance = toServiceInstance(parsed.record);
        const existing = this.instancesById.get(instance.id);
        const now = this.now();
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

  private progress(partition: number, offset: bigint): void {
    const target = this.catchUpTargets.get(partition);
    if (target !== undefined && offset >= target) {
      this.catchUpTargets.delete(partition);
      this.checkCaughtUp();
    }
  }

  private checkCaughtUp(): void {
    if (!this.isCaughtUp && this.catchUpTargets.size === 0) {
      this.isCaughtUp = true;
      this.emit('caughtUp');
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

/** Disconnects a consumer that may be broken, without waiting long for a broker that is gone. */
async function disconnectQuietly(consumer: Consumer): Promise<void> {
  await Promise.race([
    consumer.disconnect().catch(() => undefined),
    new Promise((resolve) => setTimeout(resolve, 2_000).unref()),
  ]);
}

/**
 * The topic's offsets, retrying errors Kafka calls retriable (a partition whose leader moved or is
 * still being elected right after the topic was created) for a few seconds.
 */
async function fetchOffsets(kafka: Kafka, topic: string, timeoutMs = 15_000) {
  const admin = kafka.admin();
  await admin.connect();
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        return await admin.fetchTopicOffsets(topic);
      } catch (error) {
        if (!(error as { retriable?: boolean }).retriable || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    await admin.disconnect();
  }
}
