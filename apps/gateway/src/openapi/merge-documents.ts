import {
  ADMIN_TOKEN_SCHEME,
  HTTP_METHODS,
  type JsonSchema,
  type OpenApiDocument,
  type Operation,
  type PathItem,
} from '@platform/service-kit';

import { gatewayPathOf, type GatewayPath } from './gateway-path.js';

/** A service's own document, and the `/api` segments the gateway routes to it. */
export interface ServiceApi {
  readonly service: string;
  readonly segments: readonly string[];
  readonly document: OpenApiDocument;
}

/** A service the gateway routes to whose document could not be had, and why. */
export interface UnreachableService {
  readonly service: string;
  readonly problem: string;
}

/** Where the merged document lists the services it is missing. */
export const UNREACHABLE_EXTENSION = 'x-unreachable-services';

export type PlatformApiDocument = OpenApiDocument & { [UNREACHABLE_EXTENSION]?: UnreachableService[] };

const COMPONENT_SCHEMAS = '#/components/schemas/';

/**
 * One document of the platform as a client of the gateway sees it: the gateway's own routes as
 * they are, and every route of each service at the path that reaches it through the gateway
 * ({@link gatewayPathOf}; those under `/admin/services/...` require the admin token). Operation
 * ids and tags are prefixed with their service (`user-service.UsersController.get`, `user-service:
 * users`) so they stay unique; a schema name two services use for different schemas is prefixed
 * the same way in the second one. Services that could not be reached are named in
 * `x-unreachable-services` and in the description.
 *
 * @throws Error when two operations land on the same method and gateway path
 */
export function mergeDocuments(
  gateway: ServiceApi,
  services: readonly ServiceApi[],
  unreachable: readonly UnreachableService[] = [],
): PlatformApiDocument {
  const schemas: Record<string, JsonSchema> = {};
  const paths: Record<string, PathItem> = {};
  const tags = new Map<string, string>();

  const add = (api: ServiceApi, place: (path: string) => GatewayPath | undefined) => {
    const { paths: ownPaths, schemas: ownSchemas } = withSchemasRenamed(api, schemas);
    Object.assign(schemas, ownSchemas);
    for (const [path, item] of Object.entries(ownPaths)) {
      const target = place(path) ?? { path, through: 'api' as const };
      for (const method of HTTP_METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const placed = (paths[target.path] ??= {});
        if (placed[method])
          throw new Error(`${method.toUpperCase()} ${target.path} is documented by two services`);
        placed[method] = prefixed(operation, api.service, target.through);
        for (const tag of placed[method].tags ?? []) tags.set(tag, tagDescription(api, gateway.service));
      }
    }
  };

  add(gateway, () => undefined);
  for (const api of [...services].sort((a, b) => a.service.localeCompare(b.service)))
    add(api, (path) => gatewayPathOf(path, api.service, api.segments));

  const missing = [...unreachable].sort((a, b) => a.service.localeCompare(b.service));
  return {
    openapi: gateway.document.openapi,
    info: {
      title: 'The platform, through the gateway',
      version: gateway.document.info.version,
      description: [
        'Every route of every service the gateway routes to, at the path a client calls on the gateway:',
        '`/api/<segment>/…` for the segments a service announces, `/admin/services/<service>/…` (admin',
        "token) for the rest of it, and the gateway's own routes. Each service serves its own document",
        'at `/openapi.json`.',
        ...(missing.length === 0
          ? []
          : [
              '',
              `**Missing** (unreachable when this document was made): ${missing
                .map((entry) => `${entry.service} (${entry.problem})`)
                .join('; ')}.`,
            ]),
      ].join('\n'),
    },
    tags: [...tags]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, description]) => ({ name, description })),
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: { schemas, securitySchemes: gateway.document.components.securitySchemes },
    ...(missing.length === 0 ? {} : { [UNREACHABLE_EXTENSION]: missing }),
  };
}

function prefixed(operation: Operation, service: string, through: GatewayPath['through']): Operation {
  const copy: Operation = {
    ...operation,
    operationId: `${service}.${operation.operationId}`,
    tags: (operation.tags ?? []).map((tag) => `${service}: ${tag}`),
  };
  if (through === 'service-admin') {
    copy.security = [{ [ADMIN_TOKEN_SCHEME]: [] }];
    const error = operation.responses['default'];
    copy.responses = {
      ...operation.responses,
      '401': operation.responses['401'] ?? {
        description: 'No admin token, or a wrong one (the gateway checks it for /admin/services)',
        ...(error?.content ? { content: error.content } : {}),
      },
    };
  }
  return copy;
}

function tagDescription(api: ServiceApi, gateway: string): string {
  if (api.service === gateway) return `${gateway}: its own routes`;
  const routed = api.segments.map((segment) => `/api/${segment}`).join(', ');
  return `${api.service}: ${routed ? `${routed}, and ` : ''}/admin/services/${api.service}/… with the admin token`;
}

/**
 * The service's paths and schemas with each schema whose name is already taken by a different
 * schema renamed `<service>.<name>`, and every `$ref` to it changed to match.
 */
function withSchemasRenamed(
  api: ServiceApi,
  taken: Readonly<Record<string, JsonSchema>>,
): { paths: Record<string, PathItem>; schemas: Record<string, JsonSchema> } {
  const renamed = new Map<string, string>();
  for (const [name, schema] of Object.entries(api.document.components.schemas)) {
    const existing = taken[name];
    if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(schema))
      renamed.set(name, `${api.service}.${name}`);
  }
  const own = { paths: api.document.paths, schemas: api.document.components.schemas };
  const copy = JSON.parse(JSON.stringify(own), (key, value: unknown) => {
    if (key !== '$ref' || typeof value !== 'string' || !value.startsWith(COMPONENT_SCHEMAS)) return value;
    const name = value.slice(COMPONENT_SCHEMAS.length);
    return `${COMPONENT_SCHEMAS}${renamed.get(name) ?? name}`;
  }) as typeof own;
  return {
    paths: copy.paths,
    schemas: Object.fromEntries(
      Object.entries(copy.schemas).map(([name, schema]) => [renamed.get(name) ?? name, schema]),
    ),
  };
}
