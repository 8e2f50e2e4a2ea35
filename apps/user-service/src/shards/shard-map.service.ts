import { randomBytes } from 'node:crypto';

import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Partitioners, type Consumer, type Kafka, type Producer } from 'kafkajs';
import { Gauge } from 'prom-client';

import { createKafka, ensureTopic } from '@platform/kafka';
import { ServiceContext } from '@platform/service-kit';
import { LogicalShardRouter, ShardMap } from '@platform/sharding';

import { Catalog, MapVersionConflictError } from '../catalog/catalog.js';
import { USER_SERVICE_CONFIG } from '../config/config.js';
import { shardNameOf, type UserServiceConfig } from '../config/env.schema.js';
import { PhysicalShards } from './physical-shards.js';

/** How often the catalog is read even without news on Kafka: the fallback when Kafka is down. */
const POLL_MS = 5_000;
/** How long to wait before subscribing again after Kafka refused (the catalog is polled meanwhile). */
const SUBSCRIBE_RETRY_MS = 5_000;
const MESSAGE_KEY = 'shard-map';

/** What a shard map announcement on Kafka carries: the catalog stays the only source of maps. */
export function parseMapAnnouncement(value: Buffer | null): number | string {
  if (value === null) return 'the message has no value';
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return 'the value is not JSON';
  }
  const version = (parsed as { version?: unknown } | null)?.version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1)
    return 'the value has no positive integer "version"';
  return version;
}

/**
 * This instance's copy of the shard map and the router built on it. The map is read from the
 * catalog at start (the first instance writes version 1 from USER_SHARD_URLS), and again whenever
 * a newer version is announced on Kafka, a write is refused as stale, or every 5 s.
 *
 * The catalog is the source of truth and Kafka only a hint to read it sooner, so start-up waits for
 * the catalog, never for Kafka: the subscription is made in the background, and tried again every
 * 5 s while Kafka is unreachable. Once loaded, the map stays in memory: reads by id route with it
 * while the catalog is down or hung.
 */
@Injectable()
export class ShardMapService implements OnModuleInit, OnApplicationShutdown {
  private current: LogicalShardRouter | undefined;
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private consumer: Consumer | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<boolean> | undefined;
  private stopping = false;
  private readonly versionGauge: Gauge;

  constructor(
    @Inject(USER_SERVICE_CONFIG) private readonly config: UserServiceConfig,
    private readonly context: ServiceContext,
    private readonly catalog: Catalog,
    private readonly shards: PhysicalShards,
  ) {
    this.kafka = createKafka({
      brokers: config.KAFKA_BROKERS,
      clientId: `${context.instanceId}.shard-map`,
      logger: context.logger,
    });
    this.versionGauge = new Gauge({
      name: 'user_shard_map_version',
      help: 'Version of the shard map this instance routes with.',
      registers: [context.metrics],
    });
  }

  get router(): LogicalShardRouter {
    if (!this.current) throw new Error('the shard map is not loaded yet');
    return this.current;
  }

  get map(): ShardMap {
    return this.router.map;
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.catalog.init(), this.shards.init()]);
    const map = (await this.catalog.currentMap()) ?? (await this.writeInitialMap());
    const unknown = map.shards.filter((shard) => !this.shards.has(shard.name)).map((s) => s.name);
    if (unknown.length > 0)
      throw new Error(
        `the shard map (version ${map.version}) places users on ${unknown.join(', ')}, which USER_SHARD_URLS does not list; ` +
          'every instance needs a connection string for every shard in the map',
      );
    if (map.version === 1) await this.claimInitialOwnership(map);
    this.current = new LogicalShardRouter(map);
    this.versionGauge.set(map.version);
    this.pollTimer = setInterval(() => void this.refresh().catch(() => undefined), POLL_MS);
    this.pollTimer.unref();
    void this.subscribeInBackground();
  }

  /** Subscribes to map announcements, trying again until it works or the service stops. */
  private async subscribeInBackground(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.subscribe();
        // Stopped while connecting: what shutdown found was not connected yet.
        if (this.stopping) await this.disconnect();
        return;
      } catch (error) {
        if (this.stopping) return;
        this.context.logger.warn(
          { err: error, retryInMs: SUBSCRIBE_RETRY_MS },
          'could not subscribe to shard map announcements; the catalog is polled every 5 s meanwhile',
        );
        await this.disconnect();
      }
      await new Promise((resolve) => setTimeout(resolve, SUBSCRIBE_RETRY_MS).unref());
    }
  }

  private async writeInitialMap(): Promise<ShardMap> {
    const urls = this.config.USER_SHARD_URLS.slice(0, this.config.USER_INITIAL_SHARDS);
    const initial = ShardMap.initial(
      urls.map((url, id) => ({ id, name: shardNameOf(url) })),
      this.config.USER_LOGICAL_SHARDS,
    );
    try {
      await this.catalog.writeMap(initial, 'initial map from USER_SHARD_URLS');
      this.context.logger.info(
        { shards: initial.shards.map((s) => s.name), logicalShards: initial.logicalShards },
        'wrote the first shard map',
      );
    } catch (error) {
      if (!(error instanceof MapVersionConflictError)) throw error; // another instance wrote it
    }
    const map = await this.catalog.currentMap();
    if (!map) throw new Error('the catalog has no shard map right after one was written');
    return map;
  }

  /**
   * Version 1 is the only map not made by a move, so each shard's ownership of its logical shards
   * is recorded here, idempotently, by whichever instance starts (later maps record it as they move).
   */
  private async claimInitialOwnership(map: ShardMap): Promise<void> {
    for (const shard of map.shards) {
      await this.shards
        .beside(shard.name, (pool) =>
          pool.query(
            `INSERT INTO owned_shards (logical_shard, map_version)
             SELECT logical, 1 FROM unnest($1::int[]) AS logical
             ON CONFLICT (logical_shard) DO NOTHING`,
            [map.logicalShardsOf(shard.name)],
          ),
        )
        .catch((error: unknown) =>
          this.context.logger.warn(
            { shard: shard.name, err: error },
            `could not record shard ${shard.name}'s logical shards; retried at the next start`,
          ),
        );
    }
  }

  /** Reads the catalog's current map and routes with it if it is newer. Concurrent calls share one read. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.catalog
      .currentMap()
      .then((map) => (map ? this.adopt(map) : false))
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private adopt(map: ShardMap): boolean {
    const previous = this.router.map.version;
    if (!this.router.useMap(map)) return false;
    this.versionGauge.set(map.version);
    this.context.logger.info({ from: previous, to: map.version }, 'routing with a new shard map');
    return true;
  }

  /** Tells every instance that map `version` is in the catalog. */
  async announce(version: number): Promise<void> {
    if (!this.producer) return;
    await this.producer.send({
      topic: this.config.SHARD_MAP_TOPIC,
      messages: [{ key: MESSAGE_KEY, value: JSON.stringify({ version }) }],
    });
  }

  private async subscribe(): Promise<void> {
    const topic = this.config.SHARD_MAP_TOPIC;
    await ensureTopic(this.kafka, {
      topic,
      compacted: true,
      replicationFactor: this.config.REGISTRY_REPLICATION_FACTOR,
    });
    const producer = this.kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.producer = producer;
    await producer.connect();
    if (this.stopping) return;
    this.consumer = this.kafka.consumer({
      groupId: `shard-map.${this.context.instanceId}.${randomBytes(3).toString('hex')}`,
      maxWaitTimeInMs: 250,
    });
    await this.consumer.connect();
    if (this.stopping) return;
    await this.consumer.subscribe({ topic, fromBeginning: false });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const version = parseMapAnnouncement(message.value);
        if (typeof version === 'string') {
          this.context.logger.warn({ topic, problem: version }, 'ignored an invalid shard map announcement');
          return;
        }
        if (version > this.router.map.version) await this.refresh().catch(() => undefined);
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.pollTimer);
    // Not waiting for a subscription still trying to reach Kafka: it disconnects itself when it ends.
    await this.disconnect();
  }

  private async disconnect(): Promise<void> {
    const { consumer, producer } = this;
    this.consumer = undefined;
    this.producer = undefined;
    await Promise.allSettled([consumer?.disconnect(), producer?.disconnect()]);
  }
}
