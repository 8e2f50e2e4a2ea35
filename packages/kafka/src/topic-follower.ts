import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';

import type { Admin, Consumer, Kafka } from 'kafkajs';

import type { Logger } from '@platform/observability';

import { settledWithin } from './deadline.js';

/** The longest {@link TopicFollower.stop} waits for Kafka. */
const STOP_TIMEOUT_MS = 1_500;

export interface TopicFollowerOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly logger: Logger;
  /** What the topic holds, for logs (`flags`, `releases`). */
  readonly what: string;
  /** Prefix of the consumer group; a random suffix makes each follower a group of its own. */
  readonly groupPrefix: string;
  /**
   * Called once per record, in offset order per partition, with the record's timestamp (Unix ms, when
   * its producer wrote it); what it throws is logged, not retried.
   */
  readonly onMessage: (key: Buffer | null, value: Buffer | null, timestampMs: number) => void;
  /** The longest wait between two attempts to reach Kafka (they start at 200 ms). */
  readonly maxRetryDelayMs?: number;
  /**
   * Called whenever the follower hears from Kafka: its consumer connected, or a fetch returned (every
   * `maxWaitTimeInMs` at the latest, records or not). Silence means lost contact.
   */
  readonly onContact?: () => void;
}

export interface TopicFollowerEvents {
  /** Every record that was on the topic when the follower started has been read. */
  caughtUp: [];
}

/**
 * Reads a whole compacted topic and then follows it, in the background: from the beginning, in a
 * consumer group of its own (each process needs every record, not a share of them), committing
 * nothing. Kafka being down at start or later is never an error for the caller: the follower logs
 * once, keeps trying, and the state built so far stays usable meanwhile.
 */
export class TopicFollower extends EventEmitter<TopicFollowerEvents> {
  private consumer: Consumer | undefined;
  /** A consumer connecting or joining its group, not yet following. */
  private starting: Consumer | undefined;
  /** The admin client reading the topic's end offsets, while it does. */
  private fetching: Admin | undefined;
  /** Per partition: the offset to reach before the follower counts as caught up; unknown before. */
  private catchUpTargets: Map<number, bigint> | undefined;
  /** Per partition: the offset of the next record to deliver. */
  private readonly nextOffsets = new Map<number, bigint>();
  /** Per partition: records on the topic not read yet, as of the last batch. */
  private readonly lags = new Map<number, number>();
  private running: Promise<void> | undefined;
  private stopped = false;
  private isCaughtUp = false;
  private failing = false;
  private wakeUp: (() => void) | undefined;

  constructor(private readonly options: TopicFollowerOptions) {
    super();
  }

  /** Starts reading in the background; returns at once. */
  start(): void {
    this.running ??= this.connectUntilStopped();
  }

  get caughtUp(): boolean {
    return this.isCaughtUp;
  }

  /** Records on the topic this follower has not read yet (all partitions), as of its last fetch; undefined before one. */
  lag(): number | undefined {
    if (this.lags.size === 0) return undefined;
    let total = 0;
    for (const lag of this.lags.values()) total += lag;
    return total;
  }

  /** Resolves true when every record on the topic at start has been read, false after `timeoutMs`. */
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

  /**
   * Stops reading, within {@link STOP_TIMEOUT_MS}: the consumer (or one still joining its group, or
   * the admin client reading end offsets) is disconnected, and the attempt in progress ends. A frozen
   * broker lets none of that finish; the clients are then left to time out on their own, so a
   * service's shutdown is bounded whatever Kafka does.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    const consumer = this.consumer;
    this.consumer = undefined;
    await settledWithin(
      Promise.allSettled([
        consumer?.disconnect(),
        // A consumer still joining its group (that takes seconds on a fresh broker) is cut short.
        this.starting?.disconnect(),
        this.fetching?.disconnect(),
        this.running,
      ]),
      STOP_TIMEOUT_MS,
    );
  }

  /** Tries to reach Kafka until it can read the topic, or until stopped, waiting longer each time. */
  private async connectUntilStopped(): Promise<void> {
    let delayMs = 200;
    while (!this.stopped) {
      try {
        this.catchUpTargets ??= await this.fetchCatchUpTargets();
        this.checkCaughtUp();
        await this.follow();
        if (this.failing)
          this.options.logger.info({ topic: this.options.topic }, `reading the ${this.options.what} topic`);
        this.failing = false;
        return;
      } catch (error) {
        if (this.stopped) return;
        // Once per outage at warn: a service whose Kafka is down for an hour logs it once, not 3,600 times.
        this.options.logger[this.failing ? 'debug' : 'warn'](
          { err: error, topic: this.options.topic },
          `cannot read the ${this.options.what} topic yet; keeping what is already known and retrying`,
        );
        this.failing = true;
        await this.pause(delayMs);
        delayMs = Math.min(delayMs * 2, this.options.maxRetryDelayMs ?? 2_000);
      }
    }
  }

  /** The last offset of each non-empty partition now: read up to there, the follower is caught up. */
  private async fetchCatchUpTargets(): Promise<Map<number, bigint>> {
    // No retries of its own: this follower retries (and can stop) between attempts, whereas kafkajs's
    // retries of a missing topic would go on for seconds after the service has shut down.
    const admin = this.options.kafka.admin({ retry: { retries: 0 } });
    this.fetching = admin;
    await admin.connect();
    try {
      const targets = new Map<number, bigint>();
      for (const { partition, high, low } of await admin.fetchTopicOffsets(this.options.topic)) {
        if (BigInt(high) > BigInt(low)) targets.set(partition, BigInt(high) - 1n);
      }
      return targets;
    } finally {
      if (this.fetching === admin) this.fetching = undefined;
      await admin.disconnect();
    }
  }

  /**
   * Reads the topic with a consumer of a new group, from where the follower got to (the start, the
   * first time). A crashed consumer is replaced rather than restarted: a restarted one rejoins its old
   * group, which a broker that was down still believes has the old member, and waits for that member's
   * session to time out (10 s) before serving the new one — 10 s of stale flags after Kafka is back.
   */
  private async follow(): Promise<void> {
    const { kafka, topic, logger } = this.options;
    const consumer = kafka.consumer({
      groupId: `${this.options.groupPrefix}.${randomBytes(3).toString('hex')}`,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 250,
      // Only the topic's writer creates it (compacted): a reader that got there first must not create
      // it with the broker's defaults.
      allowAutoTopicCreation: false,
      // Records of a transaction are delivered once it commits, never if it aborts: a writer fenced
      // mid-transaction (a paused publisher another one replaced) can put nothing in front of readers.
      readUncommitted: false,
      retry: { restartOnFailure: () => Promise.resolve(false) },
    });
    this.starting = consumer;
    let crashedWhileStarting: Error | undefined;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.consumer === consumer) {
        logger.warn(
          { err: payload.error, topic },
          `the ${this.options.what} consumer crashed; a new one takes over`,
        );
        this.consumer = undefined;
        void disconnectQuietly(consumer).then(() => {
          this.running = this.connectUntilStopped();
        });
      } else crashedWhileStarting ??= payload.error;
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      this.lags.set(payload.partition, Number(payload.offsetLag));
      // A transaction's commit marker takes an offset but never reaches onMessage; it may be the last
      // offset of the partition (the catch-up target), so what the batch held counts as read.
      // (kafkajs types it as a string, but it is null for a batch of records all below the fetch offset.)
      const fetched = (payload.firstOffset as string | null) !== null;
      if (fetched) this.progress(payload.partition, BigInt(payload.lastOffset));
    });
    const { onContact } = this.options;
    if (onContact) consumer.on(consumer.events.FETCH, () => onContact());
    try {
      await consumer.connect();
      onContact?.();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: ({ partition, message }) => {
          const offset = BigInt(message.offset);
          // A replacement consumer may see a few records again before its seek applies.
          if (offset < (this.nextOffsets.get(partition) ?? 0n)) return Promise.resolve();
          this.nextOffsets.set(partition, offset + 1n);
          try {
            this.options.onMessage(message.key, message.value, Number(message.timestamp));
          } catch (error) {
            // A throwing listener must not crash the consumer and stop every later update.
            logger.error(
              { err: error, topic, partition, offset: message.offset },
              `a ${this.options.what} record failed`,
            );
          }
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
    } finally {
      if (this.starting === consumer) this.starting = undefined;
    }
    if (this.stopped) await disconnectQuietly(consumer);
    else this.consumer = consumer;
  }

  private progress(partition: number, offset: bigint): void {
    const target = this.catchUpTargets?.get(partition);
    if (target !== undefined && offset >= target) {
      this.catchUpTargets?.delete(partition);
      this.checkCaughtUp();
    }
  }

  private checkCaughtUp(): void {
    if (!this.isCaughtUp && this.catchUpTargets?.size === 0) {
      this.isCaughtUp = true;
      this.emit('caughtUp');
    }
  }

  /** Waits `ms`, or less if the follower is stopped meanwhile. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** Disconnects a consumer that may be broken, without waiting long for a broker that is gone. */
async function disconnectQuietly(consumer: Consumer): Promise<void> {
  await settledWithin(consumer.disconnect(), 2_000);
}
