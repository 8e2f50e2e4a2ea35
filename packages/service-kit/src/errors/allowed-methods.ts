import type { FastifyRequest } from 'fastify';

/** The parts of a Fastify instance that tell which methods a path takes. */
type RouteFinder = Pick<FastifyRequest['server'], 'findRoute' | 'supportedMethods'>;

/**
 * The methods some route takes at the request's path, in Fastify's order (a GET route brings its
 * HEAD): what a 405 lists in `Allow`. Empty when no route has the path, or when the request comes
 * from no server (a test's stand-in).
 */
export function allowedMethods(
  request: Pick<FastifyRequest, 'url'> & { readonly server?: unknown },
): string[] {
  const server = request.server as Partial<RouteFinder> | undefined;
  if (typeof server?.findRoute !== 'function' || !server.supportedMethods) return [];
  const { findRoute } = server as RouteFinder;
  const url = request.url.split('?')[0]!;
  return server.supportedMethods.filter((method) => findRoute.call(server, { method, url }) !== null);
}
