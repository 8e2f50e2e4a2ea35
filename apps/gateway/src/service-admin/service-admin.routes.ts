import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

import { AdminTokenGuard, FORWARDED_PREFIX_HEADER, sendError, ServiceContext } from '@platform/service-kit';

import { closeIfBodyPending } from '../proxy/close-if-body-pending.js';
import { forwardRequestHeaders, forwardResponseHeaders } from '../proxy/forward-headers.js';
import { SERVED_BY_HEADER } from '../proxy/proxy.routes.js';
import { edgePathProblem } from '../routing/edge-path.js';
import { InvalidPathError, RouteNotFoundError } from '../routing/route.errors.js';
import { ServiceAdminClient } from './service-admin.client.js';
import { SERVICE_ADMIN_PREFIX, serviceAdminTarget, type ServiceAdminTarget } from './service-admin-path.js';
import { ServiceAdminTargets } from './service-admin-targets.js';

/**
 * `ANY /admin/services/{service}/{path}?instance=<instanceId>` → `ANY /{path}` on one live instance
 * of `{service}` (the one named, if any), with the caller's headers — its admin token included,
 * which the service checks again. Before the body is read the gateway checks the admin token itself
 * (the same guard and lockout as its own admin API), refuses a path that could leave the service's
 * `/{path}` (edge-path.ts), and answers 404 for a service or instance the registry does not list
 * and 503 when the service has no live instance. Registered, like the proxy, as a plain Fastify
 * route in its own scope: bodies stay raw bytes, answers stream back.
 */
@Injectable()
export class ServiceAdminRoutes implements OnModuleInit {
  private readonly admitted = new WeakMap<FastifyRequest, ServiceAdminTarget>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly guard: AdminTokenGuard,
    private readonly targets: ServiceAdminTargets,
    private readonly client: ServiceAdminClient,
    private readonly context: ServiceContext,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register((scope, _options, done) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(
        '*',
        { parseAs: 'buffer', bodyLimit: this.context.config.BODY_LIMIT_BYTES },
        (_request, body, parsed) => parsed(null, body),
      );
      scope.addHook('onRequest', (request, reply, next) => this.admit(request, reply, next));
      scope.all(`${SERVICE_ADMIN_PREFIX}:service/*`, (request, reply) => this.forward(request, reply));
      done();
    });
  }

  /** The token first (nothing about the services is told without it), then the path and the target. */
  private admit(request: FastifyRequest, reply: FastifyReply, next: HookHandlerDoneFunction): void {
    try {
      this.guard.authorize(request);
      const problem = edgePathProblem(request.url);
      if (problem) throw new InvalidPathError(problem);
      const target = serviceAdminTarget(request.url);
      if (!target) throw new RouteNotFoundError(request.method, request.url);
      this.targets.check(target.service, target.instance);
      this.admitted.set(request, target);
      next();
    } catch (error) {
      // A refused request's body is not read: its connection closes after the answer.
      closeIfBodyPending(request, reply);
      sendError(request, reply, error, this.context.logger);
    }
  }

  private async forward(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    // The caller went away before its answer was sent: stop waiting for the instance.
    const gone = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) gone.abort();
    });
    try {
      const target = this.admitted.get(request);
      if (!target) throw new Error(`${request.method} ${request.url} reached service admin unchecked`);
      const upstream = await this.client.send(target, {
        method: request.method,
        headers: {
          ...forwardRequestHeaders(request.headers, {
            ip: request.ip,
            protocol: request.protocol,
            host: request.headers.host,
            requestId: request.id,
          }),
          // What the gateway took off the path, so the service's messages name the path sent here.
          [FORWARDED_PREFIX_HEADER]: `${SERVICE_ADMIN_PREFIX}${target.service}`,
        },
        body: Buffer.isBuffer(request.body) ? request.body : undefined,
        signal: gone.signal,
      });
      await reply
        .status(upstream.statusCode)
        .headers(forwardResponseHeaders(upstream.headers))
        .header(SERVED_BY_HEADER, upstream.instance.id)
        .send(upstream.body);
    } catch (error) {
      if (gone.signal.aborted) return;
      sendError(request, reply, error, this.context.logger);
    }
  }
}
