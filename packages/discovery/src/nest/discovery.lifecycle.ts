import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  Inject,
  Injectable,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Kafka } from 'kafkajs';

import { ensureTopic, KafkaProbe, settledWithin } from '@platform/kafka';
import { ReadinessRegistry, ServiceContext } from '@platform/service-kit';

import { registerClientMetrics } from '../client/client-metrics.js';
import { RegistryAnnouncer } from '../registry-announcer.js';
import { registerRegistryMetrics } from '../registry-metrics.js';
import { RegistrySnapshot } from '../registry-snapshot.js';
import { RegistryView } from '../registry-view.js';
import { ServiceClient } from '../client/service-client.js';
import {
  DISCOVERY_KAFKA,
  DISCOVERY_OPTIONS,
  RETRY_SAFE_METADATA_KEY,
  ROUTES_METADATA_KEY,
  type DiscoveryModuleOptions,
} from './discovery.options.js';
import { RegistrationMetadata } from './registration-metadata.js';

/** How long start-up waits for a view to read the registry topic, while Kafka answers. */
const CATCH_UP_TIMEOUT_MS = 15_000;
/** How long start-up waits for the registry topic to be checked (or created), while Kafka answers. */
const TOPIC_TIMEOUT_MS = 15_000;
/**
 * Kafka answering no probe for this long at start counts as out of reach (stopped or frozen): the
 * service starts on what it knows — its registry snapshot — and reads the topic when Kafka is back.
 */
const OUT_OF_REACH_AFTER_MS = 5_000;
/** Between two attempts to check the registry topic while Kafka is out of reach, at most. */
const TOPIC_RETRY_MAX_MS = 5_000;

/**
 * Joins the platform: at start, makes sure the registry topic exists, catches up with it (if this
 * service watches) and announces the instance once its HTTP server listens; at shutdown, leaves
 * the registry first, keeps serving for the drain time, and disconnects last.
 *
 * Kafka out of reach (stopped, or frozen: it accepts connections and never answers) delays neither:
 * start-up waits for Kafka only while it answers, and otherwise restores the registry snapshot (if
 * any) and listens within seconds, checking the topic in the background; every shutdown step waits
 * a bounded time. Kafka readiness is then reported as degraded, not as down, unless `kafkaCritical`.
 */
@Injectable()
export class DiscoveryLifecycle implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly probe: KafkaProbe;
  private readonly snapshot: RegistrySnapshot | undefined;
  private announcer: RegistryAnnouncer | undefined;
  private stopping = false;

  constructor(
    @Inject(DISCOVERY_OPTIONS) private readonly options: DiscoveryModuleOptions,
    @Inject(DISCOVERY_KAFKA) private readonly kafka: Kafka,
    private readonly context: ServiceContext,
    private readonly readiness: ReadinessRegistry,
    private readonly adapterHost: HttpAdapterHost,
    private readonly metadata: RegistrationMetadata,
    @Optional() private readonly view?: RegistryView,
    @Optional() private readonly client?: ServiceClient,
  ) {
    this.probe = new KafkaProbe(kafka);
    const file = options.snapshotFile;
    if (view && file !== undefined)
      this.snapshot = new RegistrySnapshot({
        view,
        file,
        topic: options.topic,
        logger: context.logger.child({ component: 'registry' }),
      });
  }

  async onModuleInit(): Promise<void> {
    this.readiness.register('kafka', () => this.probe.check(), {
      critical: this.options.kafkaCritical ?? false,
    });
    const topic = this.provisionTopic();
    const reachable = await this.kafkaAnswersWithin(OUT_OF_REACH_AFTER_MS);
    const topicReady = reachable && (await settledWithin(topic, TOPIC_TIMEOUT_MS));
    // Another module's start-up failed and the app was closed meanwhile: start nothing more.
    if (this.stopping) return;
    if (!topicReady)
      this.context.logger.warn(
        { topic: this.options.topic, reachable },
        'cannot check the registry topic (Kafka out of reach?); starting anyway and checking it in the background',
      );
    if (this.view) await this.startView(this.view, topicReady);
    if (this.options.announce) {
      const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
      const announce = () => this.announce((server.address() as AddressInfo).port);
      if (server.listening) announce();
      else server.once('listening', announce);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (!this.announcer) return;
    await this.announcer.leave();
    if (this.options.drainMs > 0) await new Promise((resolve) => setTimeout(resolve, this.options.drainMs));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([
      this.announcer?.stop(),
      this.snapshot?.stop(),
      this.view?.stop(),
      this.client?.close(),
      this.probe.close(),
    ]);
  }

  /**
   * Starts the view and waits for it to read the topic while Kafka answers; when it cannot (Kafka out
   * of reach, or too slow), routes on the registry snapshot meanwhile.
   */
  private async startView(view: RegistryView, kafkaAnswers: boolean): Promise<void> {
    registerRegistryMetrics(view, this.context.metrics);
    if (this.client) registerClientMetrics(this.client, this.context.metrics);
    this.readiness.register('registry', () => {
      const services = view.snapshot().size;
      // Ready on restored instances: serving on what it knew beats refusing everything.
      if (!view.caughtUp && view.restored === 0)
        return Promise.reject(new Error('still reading the registry topic'));
      if (view.caughtUp && !view.liveness.selfPreserving) return Promise.resolve({ services });
      return Promise.resolve({
        degraded: true,
        services,
        ...(view.caughtUp ? {} : { restoredFromSnapshot: view.restored }),
        ...(view.liveness.selfPreserving
          ? {
              selfPreservation: true,
              since: new Date(view.liveness.since).toISOString(),
              msSinceContact: view.liveness.msSinceContact,
            }
          : {}),
      });
    });
    await view.start();
    const caughtUp = kafkaAnswers && (await view.whenCaughtUp(CATCH_UP_TIMEOUT_MS));
    const restored = caughtUp ? 0 : ((await this.snapshot?.restore()) ?? 0);
    if (!caughtUp && restored === 0)
      this.context.logger.warn('the registry view has not caught up yet; reporting not ready until it has');
    this.snapshot?.start();
  }

  /** True once a probe gets an answer; false if none does within `ms` (each probe waits under a second). */
  private async kafkaAnswersWithin(ms: number): Promise<boolean> {
    const deadline = performance.now() + ms;
    while (!this.stopping) {
      try {
        await this.probe.check();
        return true;
      } catch {
        const left = deadline - performance.now();
        if (left <= 0) return false;
        await new Promise((resolve) => setTimeout(resolve, Math.min(250, left)));
      }
    }
    return false;
  }

  /**
   * Makes sure the registry topic exists, trying again until it does or the service stops: the view
   * and the announcer need it, and Kafka may come back long after the service started.
   */
  private async provisionTopic(): Promise<void> {
    let delayMs = 500;
    let failing = false;
    while (!this.stopping) {
      try {
        await ensureTopic(this.kafka, {
          topic: this.options.topic,
          compacted: true,
          replicationFactor: this.options.replicationFactor,
        });
        if (failing) this.context.logger.info({ topic: this.options.topic }, 'the registry topic is ready');
        return;
      } catch (error) {
        if (this.stopping) return;
        if (!failing)
          this.context.logger.warn(
            { err: error, topic: this.options.topic },
            'cannot check the registry topic; retrying in the background',
          );
        failing = true;
        await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
        delayMs = Math.min(delayMs * 2, TOPIC_RETRY_MAX_MS);
      }
    }
  }

  private announce(port: number): void {
    const { context } = this;
    const announcer = new RegistryAnnouncer({
      kafka: this.kafka,
      topic: this.options.topic,
      logger: context.logger.child({ component: 'registry' }),
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      instance: {
        service: context.name,
        instanceId: context.instanceId,
        host: context.config.ADVERTISE_HOST,
        port,
        version: context.version,
        track: context.track,
        zone: context.zone,
        metadata: this.announcedMetadata(),
        ttlMs: this.options.ttlMs,
      },
    });
    this.announcer = announcer;
    announcer.start();
    // A label changed from now on (PUT /admin/weight) goes out at once.
    this.metadata.publishWith(() => announcer.updateMetadata(this.announcedMetadata()));
    context.logger.info({ topic: this.options.topic, port }, 'announced in the registry');
  }

  /** The modules' labels, plus the routes and retry safety this service declared. */
  private announcedMetadata(): Record<string, string> {
    return {
      ...this.metadata.toRecord(),
      ...(this.options.routes?.length ? { [ROUTES_METADATA_KEY]: this.options.routes.join(',') } : {}),
      ...(this.options.retrySafe ? { [RETRY_SAFE_METADATA_KEY]: 'true' } : {}),
    };
  }
}
