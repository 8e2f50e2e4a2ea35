import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';

import {
  acceptOrCreateRequestId,
  createLogger,
  createMetricsRegistry,
  instrumentFastify,
  REQUEST_ID_HEADER,
} from '@platform/observability';

import type { BaseEnv } from '../config/base-env.schema.js';
import { sendError } from '../errors/error-response.js';
import { PlatformExceptionFilter } from '../errors/platform-exception.filter.js';
import { injectFaults } from '../faults/fault-hook.js';
import { FaultInjector } from '../faults/fault-injector.js';
import { ReadinessRegistry } from '../health/readiness.registry.js';
import { NestPinoLogger } from '../logging/nest-logger.js';
import { ServiceKitModule } from '../service-kit.module.js';
import { ServiceContext } from '../service-context.js';
import { clientErrorHandler } from './client-error.handler.js';
import { httpServerOptions } from './http-server-options.js';
import { readJsonBodiesOnly } from './json-bodies.js';
import { lingerOnClose } from './linger-on-close.js';
import { recordRoutes, type RegisteredRoute } from './registered-routes.js';

export interface ServiceAppOptions<C extends BaseEnv> {
  /** The service name, as found in the registry (`id-service`). */
  readonly name: string;
  readonly config: C;
  /** The app's root module, built from its config. */
  readonly module: (config: C) => DynamicModule | Type;
  /** Where log lines go (standard output by default; tests capture them). */
  readonly logDestination?: DestinationStream;
}

export interface RunningService {
  readonly app: NestFastifyApplication;
  readonly context: ServiceContext;
  /** `http://host:port` it listens on. */
  readonly url: string;
  readonly port: number;
  /** Every route the HTTP server answers, as registered (for tests that compare them with /openapi.json). */
  routes(): readonly RegisteredRoute[];
  /**
   * Graceful shutdown: report not ready, leave the registry (modules do this in
   * beforeApplicationShutdown), wait for in-flight requests, release resources. Idempotent.
   */
  shutdown(reason: string): Promise<void>;
}

/** Paths probed or scraped every few seconds: measured, not logged. */
const QUIET_PATHS = ['/health/live', '/health/ready', '/metrics'];

/**
 * Builds and starts one service: Fastify under Nest, JSON logs with request and trace ids, the HTTP
 * histogram, health and metrics endpoints, the platform's error responses, and a graceful
 * shutdown. `startService` wraps this with config loading and signal handling for `main.ts`.
 */
export async function createServiceApp<C extends BaseEnv>(
  options: ServiceAppOptions<C>,
): Promise<RunningService> {
  const { config, name } = options;
  const instanceId = config.INSTANCE_ID ?? `${name}-${randomBytes(3).toString('hex')}`;
  const logger = createLogger({
    service: name,
    instance: instanceId,
    level: config.LOG_LEVEL,
    destination: options.logDestination,
  });
  const metrics = createMetricsRegistry(name);
  const context = new ServiceContext(name, instanceId, config, logger, metrics);

  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Deadlines for slow clients (slowloris) and whose X-Forwarded-For to believe.
    ...httpServerOptions(config),
    clientErrorHandler: clientErrorHandler(logger),
    genReqId: (request: IncomingMessage) => acceptOrCreateRequestId(request.headers[REQUEST_ID_HEADER]),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Errors Fastify raises before routing (a malformed URL, a path parameter over 100 characters)
    // get the same JSON error body as everything else.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
      sendError(request, reply, error, logger),
  });
  instrumentFastify(adapter.getInstance(), { logger, metrics, quietPaths: QUIET_PATHS });
  const routes = recordRoutes(adapter.getInstance());
  // Bodies are JSON, sent as such: anything else is a 415 saying what to send (Nest's own parsers,
  // which would read a form too, stay off: `bodyParser: false` below).
  readJsonBodiesOnly(adapter.getInstance());
  const faults = new FaultInjector();
  if (config.FAULTS_ENABLED) {
    logger.warn('fault injection is enabled (FAULTS_ENABLED=true): /admin/faults can slow or fail requests');
    injectFaults(adapter.getInstance(), faults);
  }
  // Once shutdown begins, every response closes its connection: an idle keep-alive connection
  // would otherwise hold the closing server open until the client's own idle timeout.
  let stopping = false;
  // A connection closed before its request body was read (a 413, a bad body, a refusal, shutdown)
  // lingers, so that a client still sending reads its answer instead of a reset (linger-on-close.ts).
  adapter.getInstance().addHook('onSend', (request, reply, payload, done) => {
    if (stopping) void reply.header('connection', 'close');
    if (reply.getHeader('connection') === 'close' && !request.raw.complete) lingerOnClose(request.raw.socket);
    done(null, payload);
  });

  @Module({ imports: [ServiceKitModule.forRoot(context, faults), options.module(config)] })
  class ServiceRootModule {}

  const app = await NestFactory.create<NestFastifyApplication>(ServiceRootModule, adapter, {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
    bodyParser: false,
  });
  app.useGlobalFilters(new PlatformExceptionFilter(logger));
  try {
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (error) {
    // A module refused to start (its worker ids all leased, say): the others may have opened
    // connections already, and those would keep the process alive. Close them before failing.
    await app
      .close()
      .catch((closeError: unknown) =>
        logger.warn({ err: closeError }, 'closing after a failed start-up failed too'),
      );
    throw error;
  }
  const address = app.getHttpServer().address() as AddressInfo;
  const url = `http://${config.ADVERTISE_HOST}:${address.port}`;
  logger.info({ url, version: config.SERVICE_VERSION, zone: config.ZONE }, `${name} listening`);

  const readiness = app.get(ReadinessRegistry);
  let closing: Promise<void> | undefined;
  const shutdown = (reason: string) => {
    closing ??= (async () => {
      logger.info({ reason }, 'shutting down: not ready, leaving the registry, finishing in-flight requests');
      readiness.beginShutdown();
      stopping = true;
      await app.close();
      logger.info('stopped');
    })();
    return closing;
  };
  return { app, context, url, port: address.port, routes, shutdown };
}
