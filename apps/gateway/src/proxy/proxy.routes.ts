import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { anySignal, isCircuitOpenError, routeBreakerName } from '@platform/breakers';
import { ServiceClient } from '@platform/discovery';
import { sendError, ServiceContext } from '@platform/service-kit';

import { GATEWAY_CONFIG } from '../config/config.js';
import type { GatewayConfig } from '../config/env.schema.js';
import { LoadShedder } from '../protection/load-shedder.js';
import { OverloadedError, RateLimitedError } from '../protection/protection.errors.js';
import { RateLimiter } from '../protection/rate-limiter.js';
import { RouteNotFoundError } from '../routing/route.errors.js';
import { RoutePolicies } from '../routing/route-policies.js';
import type { RoutePolicy } from '../routing/route-policy.js';
import { RouteTable, type ResolvedRoute } from '../routing/route-table.js';
import type { VersionChoice } from '../releases/release-routing.js';
import { Releases } from '../releases/releases.js';
import { stickyKeyOf } from '../releases/sticky-key.js';
import { forwardRequestHeaders, forwardResponseHeaders } from './forward-headers.js';
import { GatewayMetrics } from './gateway-metrics.js';

/** Which instance answered, so a client (or a test) can see the balancing at work. */
export const SERVED_BY_HEADER = 'x-served-by';
/** The version of the instance that answered (a release may pin it per user). */
export const SERVED_VERSION_HEADER = 'x-served-version';
/** Set on an answer the gateway gave itself instead of the route's service. */
export const FALLBACK_HEADER = 'x-fallback';

/**
 * `ANY /api/<segment>/...` → the owning service's `/<segment>/...` on a live instance, through the
 * route's policy: rate limit per client, load shedding (non-essential routes first), the route's
 * breaker (a non-essential route answers with its fallback at once while it is open), then the
 * resilient client (picking, retries, ejection). Registered as a plain Fastify route in its own
 * scope, where bodies stay raw bytes and responses stream back without being buffered.
 */
@Injectable()
export class ProxyRoutes implements OnModuleInit {
  private readonly limiter: RateLimiter;
  readonly shedder: LoadShedder;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly routes: RouteTable,
    private readonly policies: RoutePolicies,
    private readonly client: ServiceClient,
    private readonly context: ServiceContext,
    private readonly metrics: GatewayMetrics,
    private readonly releases: Releases,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.limiter = new RateLimiter({
      perSecond: config.RATE_LIMIT_PER_SECOND,
      burst: config.RATE_LIMIT_BURST,
    });
    this.shedder = new LoadShedder(
      config.GATEWAY_MAX_INFLIGHT,
      config.GATEWAY_SHED_NON_ESSENTIAL_PERCENT / 100,
    );
    metrics.trackInflight(context, () => this.shedder.inFlight);
    // A route's breaker takes new settings as soon as its policy changes.
    policies.onChange((segment, policy) =>
      this.client.breakers.get(routeBreakerName(segment))?.updateSettings(policy.breaker),
    );
  }

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
      const { segment } = route;
      const limit = this.limiter.take(request.ip);
      if (!limit.allowed) {
        this.metrics.outcome(segment, 'rate_limited');
        throw new RateLimitedError(limit.retryAfterSeconds);
      }
      const policy = this.policies.get(segment);
      const { admission, done } = this.shedder.admit(policy.essential);
      if (admission !== 'admit') {
        this.metrics.outcome(segment, admission);
        if (admission === 'shed' && policy.fallback) return await this.fallback(reply, policy);
        throw new OverloadedError(segment, admission === 'shed');
      }
      reply.raw.once('close', done);
      await this.send(request, reply, route, policy);
    } catch (error) {
      sendError(request, reply, error, this.context.logger);
    }
  }

  private async send(
    request: FastifyRequest,
    reply: FastifyReply,
    route: ResolvedRoute,
    policy: RoutePolicy,
  ): Promise<void> {
    const breaker = this.client.breakers.forRoute(route.segment, policy.breaker);
    if (breaker.state === 'open' && !policy.essential && policy.fallback) {
      this.metrics.outcome(route.segment, 'fallback');
      return this.fallback(reply, policy);
    }
    // The client went away before its answer was sent: stop waiting for the upstream on its behalf.
    // (The response's 'close', not the request's: that one fires as soon as the body was read.)
    const gone = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) gone.abort();
    });
    const choice = this.chooseVersion(route.service, request, reply);
    const started = choice && performance.now();
    try {
      const upstream = await breaker.execute(
        (signal) =>
          this.client.request(route.service, {
            method: request.method,
            path: route.upstreamPath,
            headers: forwardRequestHeaders(request.headers, {
              ip: request.ip,
              protocol: request.protocol,
              host: request.headers.host,
              requestId: request.id,
            }),
            body: Buffer.isBuffer(request.body) ? request.body : undefined,
            policy: this.policies.resolved(route.segment),
            key: headerValue(request.headers[policy.upstream.hashHeader ?? '']),
            version: choice?.version,
            signal: anySignal(signal, gone.signal),
            // Otherwise the method (or an Idempotency-Key header) decides.
            ...(route.retrySafe ? { idempotent: true } : {}),
          }),
        (response) => response.statusCode >= 500,
      );
      this.metrics.outcome(route.segment, 'upstream');
      if (choice) {
        this.releases.record(route.service, choice, upstream.statusCode < 500, performance.now() - started!);
      }
      await reply
        .status(upstream.statusCode)
        .headers(forwardResponseHeaders(upstream.headers))
        .header(SERVED_BY_HEADER, upstream.instance.id)
        .header(SERVED_VERSION_HEADER, upstream.instance.version)
        .send(upstream.body);
    } catch (error) {
      if (choice && !gone.signal.aborted) {
        this.releases.record(route.service, choice, false, performance.now() - started!);
      }
      if (isCircuitOpenError(error) && !policy.essential && policy.fallback) {
        this.metrics.outcome(route.segment, 'fallback');
        return this.fallback(reply, policy);
      }
      this.metrics.outcome(route.segment, isCircuitOpenError(error) ? 'breaker_open' : 'error');
      throw error;
    }
  }

  /**
   * The version a release sends this caller to, if one is pinned; an anonymous caller of a canary
   * gets the cookie that keeps them on the same side next time.
   */
  private chooseVersion(
    service: string,
    request: FastifyRequest,
    reply: FastifyReply,
  ): VersionChoice | undefined {
    const routing = this.releases.routing(service);
    if (!routing.sticky) return routing.choose(undefined);
    const sticky = stickyKeyOf(request.headers, this.config.RELEASE_STICKY_HEADER);
    if (sticky.setCookie) reply.header('set-cookie', sticky.setCookie);
    return routing.choose(sticky.key);
  }

  private async fallback(reply: FastifyReply, policy: RoutePolicy): Promise<void> {
    const fallback = policy.fallback!;
    await reply
      .status(fallback.status)
      .header(FALLBACK_HEADER, 'true')
      .header('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify(fallback.body ?? null));
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
