import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

import { anySignal, isCircuitOpenError, routeBreakerName } from '@platform/breakers';
import { CallerGaveUp, ServiceClient, sparingCallerAborts } from '@platform/discovery';
import { countsAgainstUpstream, isDependencyFailure } from '@platform/observability';
import { sendError, ServiceContext } from '@platform/service-kit';

import { GATEWAY_CONFIG } from '../config/config.js';
import type { GatewayConfig } from '../config/env.schema.js';
import { LoadShedder } from '../protection/load-shedder.js';
import { RateLimiter } from '../protection/rate-limiter.js';
import { RoutePolicies } from '../routing/route-policies.js';
import type { RoutePolicy } from '../routing/route-policy.js';
import { RouteTable, type ResolvedRoute } from '../routing/route-table.js';
import type { VersionChoice } from '../releases/release-routing.js';
import { Releases } from '../releases/releases.js';
import { stickyKeyOf } from '../releases/sticky-key.js';
import { EdgeAdmission } from './edge-admission.js';
import { answerExpectations } from './expect-continue.js';
import { closeIfBodyPending } from './close-if-body-pending.js';
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
 * route's policy: admission before the body is read (a path that could leave its route, rate limit
 * per client, load shedding with non-essential routes first: edge-admission.ts), the route's
 * breaker (a non-essential route answers with its fallback at once while it is open), then the
 * resilient client (picking, retries, ejection). Registered as a plain Fastify route in its own
 * scope, where bodies stay raw bytes and responses stream back without being buffered.
 *
 * Only the upstream's own faults count against it: an answer naming a dependency as its origin
 * (`x-failure-origin: dependency`) and a call abandoned by its client count neither in the route's
 * breaker nor in a release's canary analysis.
 */
@Injectable()
export class ProxyRoutes implements OnModuleInit {
  private readonly admission: EdgeAdmission;
  /** What admission decided for each request it let through, for the handler to act on. */
  private readonly admitted = new WeakMap<FastifyRequest, { route: ResolvedRoute; policy: RoutePolicy }>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    routes: RouteTable,
    private readonly policies: RoutePolicies,
    private readonly client: ServiceClient,
    private readonly context: ServiceContext,
    private readonly metrics: GatewayMetrics,
    private readonly releases: Releases,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    const shedder = new LoadShedder(
      config.GATEWAY_MAX_INFLIGHT,
      config.GATEWAY_SHED_NON_ESSENTIAL_PERCENT / 100,
    );
    this.admission = new EdgeAdmission(
      routes,
      policies,
      new RateLimiter({ perSecond: config.RATE_LIMIT_PER_SECOND, burst: config.RATE_LIMIT_BURST }),
      shedder,
      metrics,
    );
    metrics.trackInflight(context, () => shedder.inFlight);
    // A route's breaker takes new settings as soon as its policy changes.
    policies.onChange((segment, policy) =>
      this.client.breakers.get(routeBreakerName(segment))?.updateSettings(policy.breaker),
    );
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    answerExpectations(fastify.server, this.config.BODY_LIMIT_BYTES);
    void fastify.register((scope, _options, done) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(
        '*',
        { parseAs: 'buffer', bodyLimit: this.config.BODY_LIMIT_BYTES },
        (_request, body, parsed) => parsed(null, body),
      );
      scope.addHook('onRequest', (request, reply, next) => this.admit(request, reply, next));
      scope.all('/api/*', (request, reply) => this.forward(request, reply));
      done();
    });
  }

  /**
   * Decides before the body is read. A refused request is answered at once; when it announced a
   * body, the connection is closed after the answer rather than drained.
   */
  private admit(request: FastifyRequest, reply: FastifyReply, next: HookHandlerDoneFunction): void {
    try {
      const decision = this.admission.decide(request.method, request.url, request.ip);
      if (decision.kind === 'fallback') {
        closeIfBodyPending(request, reply);
        void this.fallback(reply, decision.policy);
        return;
      }
      // The place is held until the response closes, however it ends (sent, failed, client gone).
      reply.raw.once('close', decision.release);
      this.admitted.set(request, decision);
      next();
    } catch (error) {
      closeIfBodyPending(request, reply);
      sendError(request, reply, error, this.context.logger);
    }
  }

  private async forward(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    try {
      const admitted = this.admitted.get(request);
      if (!admitted) throw new Error(`${request.method} ${request.url} reached the proxy without admission`);
      await this.send(request, reply, admitted.route, admitted.policy);
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
    // A call whose client left says nothing about the upstream, so the breaker does not count it;
    // except a half-open probe, which proves nothing when abandoned and so counts as failed.
    const spareAborts = breaker.state === 'closed';
    try {
      const upstream = await breaker.execute(
        (signal) =>
          sparingCallerAborts(
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
            () => spareAborts && gone.signal.aborted,
          ),
        (result) => !(result instanceof CallerGaveUp) && countsAgainstUpstream(result),
      );
      if (upstream instanceof CallerGaveUp) {
        // Nobody to answer, and nothing learnt about the upstream.
        this.metrics.outcome(route.segment, 'client_gone');
        return;
      }
      this.metrics.outcome(route.segment, 'upstream');
      // A dependency's outage is neither version's doing: it does not count in the canary analysis.
      const dependencyDown = upstream.statusCode >= 500 && isDependencyFailure(upstream.headers);
      if (choice && !dependencyDown) {
        this.releases.record(route.service, choice, upstream.statusCode < 500, performance.now() - started!);
      }
      await reply
        .status(upstream.statusCode)
        .headers(forwardResponseHeaders(upstream.headers))
        .header(SERVED_BY_HEADER, upstream.instance.id)
        .header(SERVED_VERSION_HEADER, upstream.instance.version)
        .send(upstream.body);
    } catch (error) {
      if (gone.signal.aborted) {
        this.metrics.outcome(route.segment, 'client_gone');
        return;
      }
      if (choice) this.releases.record(route.service, choice, false, performance.now() - started!);
      if (isCircuitOpenError(error) && !policy.essential && policy.fallback) {
        this.metrics.outcome(route.segment, 'fallback');
        return this.fallback(reply, policy);
      }
      this.metrics.outcome(route.segment, isCircuitOpenError(error) ? 'breaker_open' : 'error');
      throw this.releases.explainFailure(route.service, error);
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
