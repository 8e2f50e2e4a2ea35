import { EventEmitter } from 'node:events';

import { Partitioners, type Kafka, type Producer } from 'kafkajs';

import { ensureTopic, TopicFollower } from '@platform/kafka';
import type { Logger } from '@platform/observability';
import { PlatformError } from '@platform/service-kit';

import { supersedes } from './release-precedence.js';
import { releaseSchema, type Release } from './release.js';

export class ReleaseStoreUnavailableError extends PlatformError {
  readonly code = 'releases_unavailable';
  readonly kind = 'unavailable';

  constructor(cause: unknown) {
    super(
      `cannot store the release: Kafka is unreachable (${(cause as Error).message}); nothing changed, ` +
        'try again when it is back',
      { cause, retryAfterSeconds: 5 },
    );
  }
}

export interface ReleaseStoreOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly replicationFactor: number;
  readonly logger: Logger;
  /** Who is reading, for the consumer group name. */
  readonly clientId: string;
}

export interface ReleaseStoreEvents {
  /** A release was added or replaced (read from the topic or saved here). */
  changed: [Release];
}

/**
 * Every service's release, kept on a compacted Kafka topic keyed by service (the gateway's durable
 * store: it survives restarts, and every gateway reads the same one). Each gateway reads the topic
 * whole and follows it; a record replaces the one held only if it supersedes it
 * ({@link supersedes}: the same rule on every gateway, so conflicting saves end the same everywhere),
 * and a gateway's own save and its echo from the topic apply once. Kafka being down leaves the releases
 * known so far in force (static stability); only saving needs it.
 */
export class ReleaseStore extends EventEmitter<ReleaseStoreEvents> {
  private readonly releases = new Map<string, Release>();
  private readonly follower: TopicFollower;
  private producer: Promise<Producer> | undefined;
  private topicReady: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: ReleaseStoreOptions) {
    super();
    this.follower = new TopicFollower({
      kafka: options.kafka,
      topic: options.topic,
      logger: options.logger,
      what: 'releases',
      groupPrefix: `releases.${options.clientId}`,
      onMessage: (key, value) => this.applyMessage(key, value),
    });
  }

  /**
   * Creates the topic if needed and starts reading it; resolves once the releases on it are known,
   * or after `timeoutMs` (Kafka down: the gateway starts anyway, with none).
   */
  async start(timeoutMs: number): Promise<boolean> {
    const ready = this.ensureTopic()
      .then(() => {
        this.follower.start();
        return this.follower.whenCaughtUp(timeoutMs);
      })
      .catch((error: unknown) => {
        this.options.logger.warn({ err: error }, 'cannot reach the releases topic yet; retrying');
        this.topicReady = undefined;
        this.follower.start();
        return false;
      });
    return Promise.race([
      ready,
      new Promise<boolean>((resolve) => setTimeout(resolve, timeoutMs, false).unref()),
    ]);
  }

  get caughtUp(): boolean {
    return this.follower.caughtUp;
  }

  /** Records on the topic not read yet, as of the last fetch; undefined before one. */
  lag(): number | undefined {
    return this.follower.lag();
  }

  get(service: string): Release | undefined {
    return this.releases.get(service);
  }

  all(): Release[] {
    return [...this.releases.values()].sort((a, b) => (a.service < b.service ? -1 : 1));
  }

  /** Writes the release to the topic (acknowledged by every in-sync replica), then applies it here. */
  async save(release: Release): Promise<void> {
    try {
      await this.ensureTopic();
      const producer = await this.connectProducer();
      await producer.send({
        topic: this.options.topic,
        acks: -1,
        messages: [{ key: release.service, value: JSON.stringify(release) }],
      });
    } catch (error) {
      throw new ReleaseStoreUnavailableError(error);
    }
    this.apply(release);
  }

  /** Applies a release here only (the analysis acting while Kafka is down); saved later. */
  apply(release: Release): boolean {
    if (!supersedes(release, this.releases.get(release.service))) return false;
    this.releases.set(release.service, release);
    this.emit('changed', release);
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.follower.stop();
    const producer = this.producer;
    this.producer = undefined;
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
  }

  /** One record from the topic; anything that is not a valid release is logged and skipped. */
  private applyMessage(key: Buffer | null, value: Buffer | null): void {
    const service = key?.toString('utf8');
    if (!service || value === null) {
      if (service && this.releases.delete(service))
        this.options.logger.info({ service }, 'release removed from the topic');
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(value.toString('utf8'));
    } catch {
      this.options.logger.warn({ service }, 'ignored a release record that is not JSON');
      return;
    }
    const parsed = releaseSchema.safeParse(json);
    if (!parsed.success || parsed.data.service !== service) {
      const problem = parsed.success
        ? `key ${service} ≠ service ${parsed.data.service}`
        : parsed.error.issues.map((i) => `${i.path.join('.') || 'value'} ${i.message}`).join('; ');
      this.options.logger.warn({ service, problem }, 'ignored an invalid release record');
      return;
    }
    this.apply(parsed.data);
  }

  private ensureTopic(): Promise<void> {
    this.topicReady ??= ensureTopic(this.options.kafka, {
      topic: this.options.topic,
      compacted: true,
      replicationFactor: this.options.replicationFactor,
    }).catch((error: unknown) => {
      this.topicReady = undefined;
      throw error;
    });
    return this.topicReady;
  }

  private connectProducer(): Promise<Producer> {
    if (this.stopped) return Promise.reject(new Error('the gateway is shutting down'));
    this.producer ??= (async () => {
      const producer = this.options.kafka.producer({
        allowAutoTopicCreation: false,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      return producer;
    })().catch((error: unknown) => {
      this.producer = undefined;
      throw error;
    });
    return this.producer;
  }
}
