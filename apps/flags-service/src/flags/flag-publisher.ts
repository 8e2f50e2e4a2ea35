import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import { Counter } from 'prom-client';

import { createKafka, ensureTopic } from '@platform/kafka';
import { PG_POOL, type Pool, type PoolClient } from '@platform/postgres';
import { ServiceContext } from '@platform/service-kit';

import { FLAGS_CONFIG } from '../config/config.js';
import type { FlagsServiceConfig } from '../config/env.schema.js';
import { FLAG_EVENTS_CHANNEL } from './flags.repository.js';
import { publishOutboxBatch, type OutboxEvent } from './outbox-batch.js';
import { outboxProducer, sendInTransaction } from './outbox-producer.js';

const BATCH = 500;
/** Without a notification (a lost LISTEN connection, say), pending events are still sent this often. */
const POLL_MS = 1_000;

/** The message every SDK reads (see @platform/flags-sdk): one per change, keyed `kind:key`. */
export function flagMessage(event: OutboxEvent): { key: string; value: string } {
  return {
    key: `${event.kind}:${event.key}`,
    value: JSON.stringify({
      v: 1,
      kind: event.kind,
      key: event.key,
      version: Number(event.version),
      deleted: event.deleted,
      definition: event.deleted ? null : event.definition,
    }),
  };
}

/**
 * Sends the outbox (`flag_events`, written in the same transaction as each change) to the compacted
 * Kafka topic, in order, and deletes what was sent: woken by NOTIFY when a change commits, and every
 * second anyway. If Kafka is down the events wait in the table and go out when it is back; a change
 * is never published without having been stored, nor stored without being published.
 *
 * Each batch is one Kafka transaction under the transactional id every instance shares
 * ({@link outboxProducer}). The producer is made by the instance holding the outbox lock, the first
 * time it holds it once the topic is reachable: that fences off any earlier publisher, so one paused mid-batch cannot deliver its old
 * batch after a newer one (SDKs trust the topic's order). A failed batch drops the producer; the next
 * makes a new one.
 */
@Injectable()
export class FlagPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private topicReady = false;
  private listener: PoolClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private connecting: Promise<void> | undefined;
  private again = false;
  private failing = false;
  private stopped = false;
  private readonly published: Counter;

  constructor(
    @Inject(FLAGS_CONFIG) private readonly config: FlagsServiceConfig,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly context: ServiceContext,
  ) {
    this.kafka = createKafka({
      brokers: config.KAFKA_BROKERS,
      clientId: `${context.instanceId}.flags`,
      logger: context.logger,
    });
    this.published = new Counter({
      name: 'flags_changes_published_total',
      help: 'Flag and segment changes sent to the flags topic.',
      registers: [context.metrics],
    });
  }

  /**
   * Listens and polls at once; Kafka (the topic, the producer) is reached in the background, so
   * flags-service starts and stores changes even while the broker is not ready: they wait in the
   * outbox, and go out when it is.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.listen();
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.timer.unref();
    this.connecting = this.connectKafka();
  }

  private async connectKafka(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await ensureTopic(this.kafka, {
          topic: this.config.FLAGS_TOPIC,
          compacted: true,
          replicationFactor: this.config.REGISTRY_REPLICATION_FACTOR,
        });
        this.topicReady = true;
        this.wake();
        return;
      } catch (error) {
        this.context.logger[attempt === 0 ? 'warn' : 'debug'](
          { err: error, topic: this.config.FLAGS_TOPIC },
          'cannot reach the flags topic yet; changes wait in the outbox, retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, POLL_MS).unref());
      }
    }
  }

  /** A connection of its own that hears NOTIFY; if it breaks, the poll carries on until it is back. */
  private async listen(): Promise<void> {
    const listener = await this.pool.connect();
    listener.on('notification', () => this.wake());
    listener.on('error', (error) => {
      this.context.logger.warn({ err: error }, 'lost the NOTIFY connection; polling until it is back');
      if (this.listener === listener) this.listener = undefined;
      listener.release(error);
      if (!this.stopped) setTimeout(() => void this.listen().catch(() => undefined), POLL_MS).unref();
    });
    await listener.query(`LISTEN ${FLAG_EVENTS_CHANNEL}`);
    this.listener = listener;
  }

  /** Drains the outbox now, or right after the drain in progress. */
  private wake(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain()
      .catch((error: unknown) => {
        if (!this.failing)
          this.context.logger.warn({ err: error }, 'could not publish flag changes; they wait in the outbox');
        this.failing = true;
      })
      .finally(() => {
        this.draining = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const sent = await this.sendBatch();
      if (sent < BATCH) return;
    }
  }

  /** One batch of the outbox, sent to Kafka and then deleted ({@link publishOutboxBatch}). */
  private async sendBatch(): Promise<number> {
    const sent = await publishOutboxBatch(
      this.pool,
      BATCH,
      async (events) => {
        if (!this.topicReady) throw new Error('not connected to Kafka yet');
        const producer = await this.connectProducer();
        try {
          await sendInTransaction(producer, this.config.FLAGS_TOPIC, events.map(flagMessage));
        } catch (error) {
          if (this.producer === producer) this.producer = undefined;
          await producer.disconnect().catch(() => undefined);
          throw error;
        }
      },
      // Ready before the first change: its transactional producer takes a round of the broker's
      // transaction coordinator to set up (over a second on a fresh broker).
      async () => {
        if (this.topicReady) await this.connectProducer();
      },
    );
    if (sent > 0) {
      this.published.inc(sent);
      if (this.failing) this.context.logger.info('flag changes are being published again');
      this.failing = false;
    }
    return sent;
  }

  /** The producer, made (fencing off any earlier publisher) while this instance holds the outbox lock. */
  private async connectProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = outboxProducer(this.kafka, this.config.FLAGS_TOPIC);
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    this.producer = producer;
    return producer;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.all([this.draining, this.connecting]);
    this.listener?.release();
    await this.producer?.disconnect().catch(() => undefined);
  }
}
