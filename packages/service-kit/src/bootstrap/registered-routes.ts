import type { FastifyInstance } from 'fastify';

/** One route the HTTP server answers: `GET /users/:id`. */
export interface RegisteredRoute {
  readonly method: string;
  /** As the router has it: `/users/:id`, `/api/*`. */
  readonly url: string;
}

/**
 * Keeps a list of every route registered on `fastify` from now on, Nest's and plain Fastify ones
 * (the gateway's proxy), for what checks the routes a service really answers: its OpenAPI test.
 * HEAD routes Fastify adds beside each GET are left out.
 */
export function recordRoutes(fastify: FastifyInstance): () => readonly RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    // The HEAD route Fastify adds for a GET comes right after it, alone.
    const addedForGet =
      route.method === 'HEAD' && routes.some((known) => known.method === 'GET' && known.url === route.url);
    if (addedForGet) return;
    for (const method of methods) routes.push({ method, url: route.url });
  });
  return () => routes;
}
