import { operationsOf, type OpenApiLike } from './openapi-shape.js';

/** A route as the HTTP server registered it: `GET /users/:id`. */
export interface RouteLike {
  readonly method: string;
  readonly url: string;
}

/**
 * The routes a server answers that the document does not list (`GET /users/:id` must be there as
 * `get` under `/users/{id}`), as `METHOD url` lines; `except` names urls that are not routes of
 * their own (the gateway's `/api/*`, documented path by path).
 */
export function undocumentedRoutes(
  routes: readonly RouteLike[],
  document: OpenApiLike,
  except: readonly string[] = [],
): string[] {
  return routes
    .filter((route) => !except.includes(route.url))
    .filter((route) => {
      const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      return document.paths[path]?.[route.method.toLowerCase()] === undefined;
    })
    .map((route) => `${route.method} ${route.url}`);
}

/**
 * Operations that say nothing of what they answer when they succeed: no 2xx answer with a body
 * schema (and not a 204, which has no body). Each is a route missing its `@Answers`.
 */
export function operationsWithoutAnswers(document: OpenApiLike): string[] {
  return operationsOf(document)
    .filter(({ operation }) => {
      const answers = Object.entries(operation.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
      return !answers.some(([status, answer]) => status === '204' || answer.content !== undefined);
    })
    .map(({ method, path }) => `${method.toUpperCase()} ${path}`);
}
