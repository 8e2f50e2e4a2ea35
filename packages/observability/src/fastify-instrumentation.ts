import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';

import type { Logger } from './logger.js';
import { httpServerDuration } from './metrics.js';
import { enterRequestContext, REQUEST_ID_HEADER } from './request-context.js';

/** The route label for requests that matched no route, so unknown URLs can't explode cardinality. */
export const UNMATCHED_ROUTE = 'unmatched';

export interface InstrumentationOptions {
  readonly logger: Logger;
  readonly metrics: Registry;
  /** Paths whose requests are measured but not logged (health probes, scrapes). */
  readonly quietPaths?: readonly string[];
}

/**
 * Gives every request on `fastify` a request context (its id, echoed in `x-request-id`), a duration
 * in the HTTP histogram, and one structured log line when it completes. The request id itself comes
 * from Fastify's `genReqId`, which should use {@link acceptOrCreateRequestId}.
 */
export function instrumentFastify(fastify: FastifyInstance, options: InstrumentationOptions): void {
  const duration = httpServerDuration(options.metrics);
  const quiet = new Set(options.quietPaths ?? []);

  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    enterRequestContext({ requestId: request.id });
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });

  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const seconds = reply.elapsedTime / 1000;
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    duration.observe({ route, method: request.method, status_code: String(reply.statusCode) }, seconds);
    if (!quiet.has(route)) {
      options.logger.info(
        {
          requestId: request.id,
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
