import type { z } from 'zod';

import { errorBodySchema } from '../errors/error-body.schema.js';
import { toJsonSchema, type ConvertedSchema } from './json-schema.js';
import {
  HTTP_METHODS,
  OPENAPI_VERSION,
  type HttpMethod,
  type JsonSchema,
  type OpenApiDocument,
  type Operation,
  type Parameter,
  type PathItem,
  type Response,
} from './openapi-document.js';
import type { DocumentedAnswer, RouteDoc } from './route-doc.js';

/** Something a route reads from the request, and what validates it (if anything does). */
export interface RouteInput {
  readonly in: 'path' | 'query' | 'header' | 'body';
  /** The parameter's name; none for the whole query (an object schema lists its parameters) or the body. */
  readonly name?: string;
  readonly schema?: z.ZodType;
}

/** One route, as the builder needs it; `nest-routes.ts` reads it from a Nest controller. */
export interface RouteDescription {
  readonly method: HttpMethod;
  /** As the router has it: `/users/:id`. */
  readonly path: string;
  readonly operationId: string;
  readonly tag: string;
  /** The status the route answers with unless it sets another (Nest: 201 for POST, or @HttpCode). */
  readonly status: number;
  readonly inputs: readonly RouteInput[];
  /** Guarded by the admin token. */
  readonly adminToken: boolean;
  readonly doc: RouteDoc;
}

export interface ApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
}

export const ADMIN_TOKEN_SCHEME = 'adminToken';
const ERROR_MEDIA_TYPE = 'application/json';

const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No content',
  400: 'Invalid input: `details` names each field and its problem',
  401: 'No admin token, or a wrong one',
  404: 'Not found',
  409: 'Conflict',
  503: 'Unavailable',
};

/**
 * The OpenAPI 3.1 document of a service's routes: parameters and bodies from the zod schemas that
 * validate them, answers from `@Answers`, the platform's error body for every error (`default`,
 * plus 400 where input is validated and 401 where the admin token is required), and bearer auth on
 * admin routes. A route that declares no answer is still listed, with its status and no body.
 *
 * @throws Error when two routes share a method and path, or two different schemas share a name
 */
export function buildOpenApiDocument(info: ApiInfo, routes: readonly RouteDescription[]): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = {};
  const use = ({ schema, named }: ConvertedSchema): JsonSchema => {
    for (const [id, def] of Object.entries(named)) {
      if (schemas[id] !== undefined && JSON.stringify(schemas[id]) !== JSON.stringify(def))
        throw new Error(`two different schemas are named ${JSON.stringify(id)}`);
      schemas[id] = def;
    }
    return schema;
  };
  const errorBody = use(toJsonSchema(errorBodySchema, 'output'));

  const sorted = [...routes].sort(
    (a, b) =>
      openApiPath(a.path).localeCompare(openApiPath(b.path)) ||
      HTTP_METHODS.indexOf(a.method) - HTTP_METHODS.indexOf(b.method),
  );
  const paths: Record<string, PathItem> = {};
  for (const route of sorted) {
    const path = openApiPath(route.path);
    const item = (paths[path] ??= {});
    if (item[route.method]) throw new Error(`two routes answer ${route.method.toUpperCase()} ${path}`);
    item[route.method] = operation(route, path, use, errorBody);
  }
  const tags = [...new Set(sorted.map((route) => route.tag))].sort().map((name) => ({ name }));
  return {
    openapi: OPENAPI_VERSION,
    info: { ...info },
    tags,
    paths,
    components: {
      schemas,
      securitySchemes: {
        [ADMIN_TOKEN_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          description: 'The platform admin token (ADMIN_TOKEN; `npm run -s status -- --json` shows it).',
        },
      },
    },
  };
}

/** `/users/:id` → `/users/{id}`. */
export function openApiPath(routerPath: string): string {
  return routerPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function operation(
  route: RouteDescription,
  path: string,
  use: (converted: ConvertedSchema) => JsonSchema,
  errorBody: JsonSchema,
): Operation {
  const { doc } = route;
  const inputSchema = (schema: z.ZodType) => use(toJsonSchema(schema, 'input'));
  const parameters: Parameter[] = [];
  for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
    const input = route.inputs.find((i) => i.in === 'path' && i.name === name);
    parameters.push({
      name: name!,
      in: 'path',
      required: true,
      schema: input?.schema ? inputSchema(input.schema) : { type: 'string' },
    });
  }
  for (const input of route.inputs) {
    if (input.in === 'query' && input.name === undefined && input.schema) {
      const object = inputSchema(input.schema);
      const required = new Set((object['required'] as string[] | undefined) ?? []);
      for (const [name, schema] of Object.entries((object['properties'] ?? {}) as Record<string, JsonSchema>))
        parameters.push({ name, in: 'query', required: required.has(name), schema });
    } else if ((input.in === 'query' || input.in === 'header') && input.name !== undefined) {
      parameters.push({
        name: input.name,
        in: input.in,
        required: input.schema ? !input.schema.safeParse(undefined).success : false,
        schema: input.schema ? inputSchema(input.schema) : { type: 'string' },
      });
    }
  }

  const body = doc.accepts ?? route.inputs.find((input) => input.in === 'body');
  const validates = body !== undefined || route.inputs.some((input) => input.schema !== undefined);
  const errorAnswer = (description: string): Response => ({
    description,
    content: { [ERROR_MEDIA_TYPE]: { schema: errorBody } },
  });
  const answers: readonly DocumentedAnswer[] =
    doc.answers.length > 0 ? doc.answers : [{ status: route.status, mediaType: 'application/json' }];
  const responses: Record<string, Response> = {};
  for (const answer of [...answers].sort((a, b) => a.status - b.status)) {
    const description = answer.description ?? STATUS_TEXT[answer.status] ?? `HTTP ${answer.status}`;
    responses[String(answer.status)] = answer.error
      ? errorAnswer(description)
      : {
          description,
          ...(answer.schema
            ? { content: { [answer.mediaType]: { schema: use(toJsonSchema(answer.schema, 'output')) } } }
            : {}),
        };
  }
  if (validates) responses['400'] ??= errorAnswer(STATUS_TEXT[400]!);
  if (route.adminToken) responses['401'] ??= errorAnswer(STATUS_TEXT[401]!);
  responses['default'] = errorAnswer('An error, in the platform error body');

  return {
    operationId: route.operationId,
    ...(doc.summary === undefined ? {} : { summary: doc.summary }),
    ...(doc.description === undefined ? {} : { description: doc.description }),
    tags: [route.tag],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            required: body.schema ? !body.schema.safeParse(undefined).success : true,
            ...('description' in body && body.description ? { description: body.description } : {}),
            content: { 'application/json': { schema: body.schema ? inputSchema(body.schema) : {} } },
          },
        }
      : {}),
    responses,
    ...(route.adminToken ? { security: [{ [ADMIN_TOKEN_SCHEME]: [] }] } : {}),
  };
}
