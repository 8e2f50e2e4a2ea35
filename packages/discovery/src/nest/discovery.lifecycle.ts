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

import { ensureTopic, KafkaProbe } from '@platform/kafka';
import { ReadinessRegistry, ServiceContext } from '@platform/service-kit';

import { registerClientMetrics } from '../client/client-metrics.js';
import { RegistryAnnouncer } from '../registry-announcer.js';
import { registerRegistryMetrics } from '../registry-metrics.js';
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

const CATCH_UP_TIMEOUT_MS = 15_000;

/**
 * Joins the platform: at start, makes sure the registry topic exists, catches up with it (if this
 * service watches) and announces the instance once its HTTP server listens; at shutdown, leaves
 * the registry first, keeps serving for the drain time, and disconnects last.
 */
@Injectable()
export class DiscoveryLifecycle implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly probe: KafkaProbe;
  private announcer: RegistryAnnouncer | undefined;

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
  }

  async onModuleInit(): Promise<void> {
    this.readiness.register('kafka', () => this.probe.check(), {
      critical: this.options.kafkaCritical ?? true,
    });
    await ensureTopic(this.kafka, {
      topic: this.options.topic,
      compacted: true,
      replicationFactor: this.options.replicationFactor,
    });
    if (this.view) {
      const view = this.view;
      registerRegistryMetrics(view, this.context.metrics);
      if (this.client) registerClientMetrics(this.client, this.context.metrics);
      this.readiness.register('registry', () => {
        if (!view.caughtUp) return Promise.reject(new Error('still reading the registry topic'));
        const services = view.snapshot().size;
        if (!view.liveness.selfPreserving) return Promise.resolve({ services });
        return Promise.resolve({
          degraded: true,
          services,
          selfPreservation: true,
          since: new Date(view.liveness.since).toISOString(),
          msSinceContact: view.liveness.msSinceContact,
        });
      });
      await view.start();
      const caughtUp = await view.whenCaughtUp(CATCH_UP_TIMEOUT_MS);
      if (!caughtUp)
        this.context.logger.warn('the registry view has not caught up yet; reporting not ready until it has');
    }
    if (this.options.announce) {
      const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
      const announce = () => this.announce((server.address() as AddressInfo).port);
      if (server.listening) announce();
      else server.once('listening', announce);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.announcer) return;
    await this.announcer.leave();
    if (this.options.drainMs > 0) await new Promise((resolve) => setTimeout(resolve, this.options.drainMs));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([
      this.announcer?.stop(),
      this.view?.stop(),
      this.client?.close(),
      this.probe.close(),
    ]);
  }

  private announce(port: number): void {
    const { context } = this;
    this.announcer = new RegistryAnnouncer({
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
        metadata: {
          ...this.metadata.toRecord(),
          ...(this.options.routes?.length ? { [ROUTES_METADATA_KEY]: this.options.routes.join(',') } : {}),
          ...(this.options.retrySafe ? { [RETRY_SAFE_METADATA_KEY]: 'true' } : {}),
        },
        ttlMs: this.options.ttlMs,
      },
    });
    this.announcer.start();
    context.logger.info({ topic: this.options.topic, port }, 'announced in the registry');
  }
}
