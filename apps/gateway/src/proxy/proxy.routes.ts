import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { ServiceClient } from '@platform/discovery';
import { sendError, ServiceContext } from '@platform/service-kit';

import { GATEWAY_CONFIG } from '../config/config.js';
import type { GatewayConfig } from '../config/env.schema.js';
import { RouteNotFoundError } from '../routing/route.errors.js';
import { RouteTable } from '../routing/route-table.js';
import { forwardRequestHeaders, forwardResponseHeaders } from './forward-headers.js';

/** Which instance answered, so a client (or a test) can see the balancing at work. */
export const SERVED_BY_HEADER = 'x-served-by';

/**
 * `ANY /api/<segment>/...` → the owning service's `/<segment>/...` on a live instance. Registered
 * as a plain Fastify route in its own scope, where bodies stay raw bytes (forwarded exactly as
 * sent, up to the body limit) and responses stream back without being buffered.
 */
@Injectable()
export class ProxyRoutes implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly routes: RouteTable,
    private readonly client: ServiceClient,
    private readonly context: ServiceContext,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register((scope, _options, done) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(
        '*',
        { parseAs: 'buffer', bodyLimit: this.config.BODY_LIMIT_BYTES },
        (_request, body, parsed) => parsed(null, body),
      );
      scope.all('/api/*', (request, reply) => this.forward(request, reply));
      done();
    });
  }

  private async forward(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    try {
      const route = this.routes.resolve(request.url);
      if (!route) throw new RouteNotFoundError(request.method, request.url);
      const upstream = await this.client.request(route.service, {
        method: request.method,
        path: route.upstreamPath,
        headers: forwardRequestHeaders(request.headers, {
          ip: request.ip,
          protocol: request.protocol,
          host: request.headers.host,
          requestId: request.id,
        }),
        body: Buffer.isBuffer(request.body) ? request.body : undefined,
        // Otherwise the method (or an Idempotency-Key header) decides.
        ...(route.retrySafe ? { idempotent: true } : {}),
      });
      await reply
        .status(upstream.statusCode)
        .headers(forwardResponseHeaders(upstream.headers))
        .header(SERVED_BY_HEADER, upstream.instance.id)
        .send(upstream.body);
    } catch (error) {
      sendError(request, reply, error, this.context.logger);
    }
  }
}
