import { Partitioners, type Kafka, type Producer } from 'kafkajs';

import { settledWithin } from '@platform/kafka';
import type { Logger } from '@platform/observability';

import { INSTANCE_RECORD_VERSION, type InstanceRecord } from './instance-record.js';

/** How long leaving waits for the tombstone, and stopping for the producer to disconnect. */
const LEAVE_TIMEOUT_MS = 1_000;

export type Announcement = Omit<InstanceRecord, 'v' | 'status' | 'heartbeatAt' | 'startedAt'>;

export interface RegistryAnnouncerOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly logger: Logger;
  readonly instance: Announcement;
  readonly heartbeatIntervalMs: number;
  readonly now?: () => number;
}

/**
 * Keeps one instance in the registry: publishes its record when it starts, again on every
 * heartbeat, and a tombstone when it leaves. A failed heartbeat is logged and retried on the next
 * beat; the TTL (several beats long) tolerates a few misses.
 */
export class RegistryAnnouncer {
  private readonly producer: Producer;
  private readonly now: () => number;
  private readonly startedAt: number;
  private timer: NodeJS.Timeout | undefined;
  private status: InstanceRecord['status'] = 'up';
  private metadata: Readonly<Record<string, string>>;
  private connected = false;
  private left = false;
  private failing = false;
  private beatWaiting = false;
  /** Sends go out one at a time, in order, so a late heartbeat can never follow the tombstone. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: RegistryAnnouncerOptions) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.metadata = options.instance.metadata;
    this.producer = options.kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      // A heartbeat is replaced by the next one: retrying one for long would only delay the next, and
      // keep a recovered broker waiting for the end of a backoff before this instance is heard again.
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: options.heartbeatIntervalMs },
    });
  }

  /** Publishes the first record (retrying until it succeeds or the instance leaves) and starts beating. */
  start(): void {
    this.timer = setInterval(() => void this.beat(), this.options.heartbeatIntervalMs);
    this.timer.unref();
    void this.beat();
  }

  /** Stays registered but asks callers to send nothing new. */
  async drain(): Promise<void> {
    this.status = 'draining';
    await this.beat();
  }

  /**
   * Leaves the registry (tombstone) and stops beating. Idempotent. Waits a second at most: a broker
   * that is frozen (or a heartbeat stuck on it ahead of the tombstone) must not hold up a shutdown;
   * the TTL then expires this instance in every view.
   */
  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    clearInterval(this.timer);
    const sent = this.enqueue(async () => {
      try {
        await this.send(null);
        this.options.logger.info({ topic: this.options.topic }, 'left the registry');
      } catch (error) {
        this.options.logger.warn(
          { err: error },
          'could not publish the registry tombstone; the TTL will expire this instance',
        );
      }
    });
    if (!(await settledWithin(sent, LEAVE_TIMEOUT_MS)))
      this.options.logger.warn(
        { timeoutMs: LEAVE_TIMEOUT_MS },
        'Kafka did not take the registry tombstone in time; the TTL will expire this instance',
      );
  }

  /**
   * Replaces the record's metadata (a new weight) and publishes it at once rather than at the next
   * beat, so callers see it within a registry fetch. True once Kafka took it; false if that failed
   * or the instance left (later beats keep trying while it stays).
   */
  async updateMetadata(metadata: Readonly<Record<string, string>>): Promise<boolean> {
    this.metadata = metadata;
    if (this.left) return false;
    await this.beat();
    return !this.failing;
  }

  async stop(): Promise<void> {
    await this.leave();
    await settledWithin(this.producer.disconnect(), LEAVE_TIMEOUT_MS);
  }

  record(): InstanceRecord {
    return {
      v: INSTANCE_RECORD_VERSION,
      ...this.options.instance,
      metadata: this.metadata,
      status: this.status,
      heartbeatAt: this.now(),
      startedAt: this.startedAt,
    };
  }

  private beat(): Promise<void> {
    // One heartbeat waiting is enough: it reads the record when it is sent, so a queue of them would
    // only send the same news several times once the broker is back.
    if (this.beatWaiting) return this.queue;
    this.beatWaiting = true;
    return this.enqueue(async () => {
      this.beatWaiting = false;
      if (this.left) return;
      try {
        await this.send(JSON.stringify(this.record()));
        if (this.failing) this.options.logger.info('registry heartbeats are getting through again');
        this.failing = false;
      } catch (error) {
        if (!this.failing)
          this.options.logger.warn({ err: error }, 'registry heartbeat failed; retrying every beat');
        this.failing = true;
      }
    });
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(task);
    return this.queue;
  }

  private async send(value: string | null): Promise<void> {
    if (!this.connected) {
      await this.producer.connect();
      this.connected = true;
    }
    await this.producer.send({
      topic: this.options.topic,
      acks: -1,
      timeout: 5_000,
      messages: [{ key: this.options.instance.instanceId, value }],
    });
  }
}
