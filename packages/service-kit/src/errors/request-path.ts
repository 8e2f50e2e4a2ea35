import type { FastifyRequest } from 'fastify';

/**
 * The path prefix a proxy in front stripped before forwarding (the gateway: `/api`), so that what
 * a service says about a request names the path the client sent (`/api/ids/snowflake`), not the
 * one that arrived here (`/ids/snowflake`).
 */
export const FORWARDED_PREFIX_HEADER = 'x-forwarded-prefix';

/** Path segments only: anything else in the header is ignored rather than repeated to the client. */
const PREFIX = /^(\/[A-Za-z0-9._~-]{1,64}){1,8}$/;

/** The request's path as its client sent it: a well-formed forwarded prefix, then the path, no query. */
export function pathAsSent(request: Pick<FastifyRequest, 'url' | 'headers'>): string {
  const prefix = request.headers[FORWARDED_PREFIX_HEADER];
  const path = request.url.split('?')[0]!;
  return typeof prefix === 'string' && PREFIX.test(prefix) ? `${prefix}${path}` : path;
}
