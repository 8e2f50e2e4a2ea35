import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';

import type { Logger } from './logger.js';
import { httpServerDuration } from './metrics.js';
import {
  createRequestContext,
  enterRequestContext,
  REQUEST_ID_HEADER,
  type RequestContext,
} from './request-context.js';
import { TRACERESPONSE_HEADER } from './trace-context.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's id and trace, set by {@link instrumentFastify} when the request arrives. */
    requestContext: RequestContext | null;
  }
}

/** The route label for requests that matched no route, so unknown URLs can't explode cardinality. */
export const UNMATCHED_ROUTE = 'unmatched';

export interface InstrumentationOptions {
  readonly logger: Logger;
  readonly metrics: Registry;
  /** Paths whose requests are measured but not logged (health probes, scrapes). */
  readonly quietPaths?: readonly string[];
}

/**
 * Gives every request on `fastify` a request context — its id (echoed in `x-request-id`) and its
 * trace: the caller's `traceparent` continued in a span of its own, or a new trace when the caller
 * sent none or a malformed one (echoed in `traceresponse`) — a duration in the HTTP histogram, and
 * one structured log line when it completes. The request id itself comes from Fastify's `genReqId`,
 * which should use {@link acceptOrCreateRequestId}.
 *
 * Every service, the gateway included, continues a valid incoming trace. At the edge that means a
 * client may choose its trace id, as it may choose its request id: a client with tracing of its own
 * (a browser or mobile SDK, a partner's platform) then finds its requests in our logs under its own
 * ids — AWS and Google Cloud load balancers and Envoy's tracers keep a client's trace header too.
 * Trusting it costs little here: ids are validated before they reach a log line or a header, a
 * trace id names a request and grants nothing, 128 random bits cannot be guessed into someone
 * else's trace, and the sampled flag decides nothing because every request is logged. (With a
 * sampling trace exporter added, the edge should make its own sampling decision instead of obeying
 * the client's flag.) See docs/tracing.md.
 */
export function instrumentFastify(fastify: FastifyInstance, options: InstrumentationOptions): void {
  const duration = httpServerDuration(options.metrics);
  const quiet = new Set(options.quietPaths ?? []);
  fastify.decorateRequest('requestContext', null);

  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const context = createRequestContext(request.id, request.headers);
    request.requestContext = context;
    enterRequestContext(context);
    void reply.header(REQUEST_ID_HEADER, request.id);
    void reply.header(TRACERESPONSE_HEADER, context.trace.traceparent);
    done();
  });

  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const seconds = reply.elapsedTime / 1000;
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    duration.observe({ route, method: request.method, status_code: String(reply.statusCode) }, seconds);
    // Checked first: the line's fields are not even gathered when info lines are off.
    if (!quiet.has(route) && options.logger.isLevelEnabled('info')) {
      // Set unless the request failed before onRequest (a malformed URL, say).
      const trace = request.requestContext?.trace;
      options.logger.info(
        {
          requestId: request.id,
          traceId: trace?.traceId,
          spanId: trace?.spanId,
          parentSpanId: trace?.parentSpanId,
          method: request.method,
          url: request.url,
          route,
          status: reply.statusCode,
          durationMs: Math.round(reply.elapsedTime * 100) / 100,
        },
        'request completed',
      );
    }
    done();
  });
}
