import { RequestMethod, type Type } from '@nestjs/common';
import {
  GUARDS_METADATA,
  HTTP_CODE_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';

import { AdminTokenGuard } from '../admin/admin-token.guard.js';
import { ZodPipe } from '../validation/zod.pipe.js';
import type { RouteDescription, RouteInput } from './openapi-builder.js';
import type { HttpMethod } from './openapi-document.js';
import { routeDocOf } from './route-doc.js';

const METHODS: Partial<Record<RequestMethod, HttpMethod>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.DELETE]: 'delete',
  [RequestMethod.PATCH]: 'patch',
  [RequestMethod.HEAD]: 'head',
  [RequestMethod.OPTIONS]: 'options',
};

const INPUTS: Partial<Record<RouteParamtypes, RouteInput['in']>> = {
  [RouteParamtypes.BODY]: 'body',
  [RouteParamtypes.QUERY]: 'query',
  [RouteParamtypes.PARAM]: 'path',
  [RouteParamtypes.HEADERS]: 'header',
};

/** What Nest keeps per handler argument (`@Param('id', pipe)`): under `<paramtype>:<index>`. */
interface RouteArgument {
  readonly data?: unknown;
  readonly pipes?: readonly unknown[];
}

/**
 * The routes of a Nest controller, read from the metadata its decorators left: the method and path
 * (`@Controller`, `@Get`…), the status (`@HttpCode`, or Nest's 201 for POST), the arguments taken
 * from the request and the {@link ZodPipe} that validates each, whether {@link AdminTokenGuard}
 * guards it, and what `@Summary`, `@Answers`, `@Fails` and `@Accepts` say.
 */
export function describeControllerRoutes(controller: Type): RouteDescription[] {
  const prefixes = asArray(Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined);
  const classGuards = guardsOf(controller);
  const tag = tagOf(controller.name);
  const routes: RouteDescription[] = [];
  for (const name of methodNames(controller.prototype as object)) {
    const handler = (controller.prototype as Record<string, unknown>)[name] as object;
    const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
    const method = requestMethod === undefined ? undefined : METHODS[requestMethod];
    if (method === undefined) continue;
    const paths = asArray(Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined);
    const status =
      (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ??
      (method === 'post' ? 201 : 200);
    const adminToken = [...classGuards, ...guardsOf(handler)].includes(AdminTokenGuard);
    const inputs = inputsOf(controller, name);
    const doc = routeDocOf(handler);
    for (const prefix of prefixes) {
      for (const path of paths) {
        routes.push({
          method,
          path: joinPath(prefix, path),
          operationId: `${controller.name}.${name}`,
          tag,
          status,
          inputs,
          adminToken,
          doc,
        });
      }
    }
  }
  return routes;
}

function inputsOf(controller: Type, method: string): RouteInput[] {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<
    string,
    RouteArgument
  >;
  const inputs: RouteInput[] = [];
  for (const [key, argument] of Object.entries(args)) {
    const where = INPUTS[Number(key.split(':')[0]) as RouteParamtypes];
    if (where === undefined) continue;
    const pipe = argument.pipes?.find((candidate) => candidate instanceof ZodPipe) as
      ZodPipe<never> | undefined;
    const name = typeof argument.data === 'string' ? argument.data : undefined;
    inputs.push({
      in: where,
      ...(name === undefined || where === 'body'
        ? {}
        : { name: where === 'header' ? name.toLowerCase() : name }),
      ...(pipe ? { schema: pipe.schema } : {}),
    });
  }
  return inputs;
}

function guardsOf(target: object): unknown[] {
  return (Reflect.getMetadata(GUARDS_METADATA, target) as unknown[] | undefined) ?? [];
}

/** Method names along the prototype chain (a controller may inherit routes), each once. */
function methodNames(prototype: object): string[] {
  const names = new Set<string>();
  for (
    let current = prototype;
    current !== Object.prototype;
    current = Object.getPrototypeOf(current) as object
  ) {
    for (const name of Object.getOwnPropertyNames(current)) {
      if (name === 'constructor') continue;
      const descriptor = Object.getOwnPropertyDescriptor(current, name);
      if (typeof descriptor?.value === 'function') names.add(name);
    }
  }
  return [...names];
}

function asArray(value: string | string[] | undefined): string[] {
  if (value === undefined) return ['/'];
  return Array.isArray(value) ? value : [value];
}

function joinPath(prefix: string, path: string): string {
  const parts = [prefix, path].flatMap((part) => part.split('/')).filter(Boolean);
  return `/${parts.join('/')}`;
}

/** `ShardsAdminController` → `shards-admin`. */
function tagOf(className: string): string {
  return className
    .replace(/Controller$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}
