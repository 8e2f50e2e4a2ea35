import fs from 'node:fs';

import { z } from 'zod';

import { ScenarioError } from '../loadgen.errors.js';
import { compileTemplate } from './template.js';

/**
 * A scenario: the requests of a load test and how often each is sent (its share of the weights).
 * The file is JSON:
 *
 * ```json
 * {
 *   "description": "what this load is",
 *   "target": "http://127.0.0.1:8080",
 *   "headers": { "x-load-test": "loadgen" },
 *   "requests": [
 *     { "name": "issue id", "weight": 3, "method": "POST", "path": "/api/ids/snowflake?count=1" },
 *     { "name": "create user", "weight": 1, "method": "POST", "path": "/api/users",
 *       "body": { "email": "load-{uuid}@example.com", "name": "Load {seq}" } }
 *   ]
 * }
 * ```
 *
 * Paths, header values and the strings of a body may hold placeholders (see template.ts). A body is
 * sent as JSON, with `content-type: application/json` unless the request sets another.
 */
export interface Scenario {
  readonly description?: string;
  /** Base URL (`http(s)://host:port`, optionally a path prefix); `--target` overrides it. */
  readonly target?: string;
  readonly requests: readonly ScenarioRequest[];
}

export interface ScenarioRequest {
  readonly name: string;
  readonly weight: number;
  readonly method: HttpMethod;
  /** Starts with `/`; placeholders allowed. */
  readonly path: string;
  /** The scenario's headers with the request's own on top; values may hold placeholders. */
  readonly headers: Readonly<Record<string, string>>;
  /** Any JSON value; its strings may hold placeholders. */
  readonly body?: unknown;
}

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Headers the HTTP client sets itself (or refuses): a scenario may not set them. */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'connection',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
]);

const headersSchema = z.record(
  z
    .string()
    .regex(HEADER_NAME, 'is not a valid header name')
    .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), 'is set by the HTTP client itself'),
  z
    .string({ error: 'must be a string' })
    .refine((value) => !/[\r\n\0]/.test(value), 'must not contain line breaks'),
  { error: 'must be an object of header names to string values' },
);

const requestSchema = z.strictObject(
  {
    name: z
      .string({ error: 'must be a string' })
      .trim()
      .min(1, 'must not be empty')
      .max(80, 'is too long')
      .optional(),
    weight: z
      .number({ error: 'must be a number' })
      .positive('must be greater than 0')
      .max(1_000_000, 'must be at most 1000000')
      .default(1),
    method: z
      .string({ error: `must be one of ${HTTP_METHODS.join(', ')}` })
      .transform((method) => method.toUpperCase())
      .pipe(z.enum(HTTP_METHODS, { error: `must be one of ${HTTP_METHODS.join(', ')}` })),
    path: z.string({ error: 'is required: a string starting with /' }).startsWith('/', 'must start with /'),
    headers: headersSchema.optional(),
    body: z.unknown().optional(),
  },
  { error: 'must be an object with method and path' },
);

const scenarioSchema = z.strictObject(
  {
    description: z.string({ error: 'must be a string' }).optional(),
    target: z.string({ error: 'must be a URL string' }).optional(),
    headers: headersSchema.optional(),
    requests: z
      .array(requestSchema, { error: 'is required: a list of requests' })
      .min(1, 'must list at least one request'),
  },
  { error: 'must be a JSON object with "requests"' },
);

/** Reads and checks a scenario file; throws {@link ScenarioError} saying what to fix. */
export function loadScenarioFile(file: string): Scenario {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ScenarioError(`cannot read scenario file ${file}: ${(error as Error).message}`);
  }
  return parseScenario(text, file);
}

/** Parses and checks a scenario's JSON text; `source` names it in messages. */
export function parseScenario(text: string, source: string): Scenario {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(`${source}: not valid JSON: ${(error as Error).message}`);
  }
  const parsed = scenarioSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 5).map((issue) => `  ${describeIssue(issue)}`);
    const more = parsed.error.issues.length > 5 ? `\n  … and ${parsed.error.issues.length - 5} more` : '';
    throw new ScenarioError(`${source} is not a valid scenario:\n${lines.join('\n')}${more}`);
  }
  const { description, target, headers: common = {}, requests } = parsed.data;
  if (target !== undefined) checkTarget(target, `${source}: target`);
  const names = new Set<string>();
  const scenario: Scenario = {
    ...(description !== undefined ? { description } : {}),
    ...(target !== undefined ? { target } : {}),
    requests: requests.map((request, i) => {
      const where = `${source}: requests[${i}]`;
      const name = request.name ?? `${request.method} ${request.path}`;
      if (names.has(name)) throw new ScenarioError(`${where}.name: "${name}" is used by another request`);
      names.add(name);
      if (request.body !== undefined && (request.method === 'GET' || request.method === 'HEAD'))
        throw new ScenarioError(`${where}.body: a ${request.method} request cannot have a body`);
      return {
        name,
        weight: request.weight,
        method: request.method,
        path: request.path,
        headers: { ...common, ...request.headers },
        ...(request.body !== undefined ? { body: request.body } : {}),
      };
    }),
  };
  // Every placeholder must parse now, not in the middle of the run.
  scenario.requests.forEach((request, i) => checkTemplates(request, `${source}: requests[${i}]`));
  return scenario;
}

/** The scenario of `--url` (one request): the URL's path and query may hold placeholders. */
export function singleRequestScenario(options: {
  url: string;
  method: string;
  headers: Readonly<Record<string, string>>;
  body?: unknown;
}): Scenario {
  const match = /^(https?:\/\/[^/?#]+)([^#]*)$/i.exec(options.url);
  if (!match) throw new ScenarioError(`--url must be an http:// or https:// URL; got "${options.url}"`);
  const [, origin = '', rest = ''] = match;
  checkTarget(origin, '--url');
  const text = JSON.stringify({
    requests: [
      {
        name: `${options.method.toUpperCase()} ${rest || '/'}`,
        method: options.method,
        path: rest.startsWith('/') ? rest : `/${rest}`,
        headers: options.headers,
        ...(options.body !== undefined ? { body: options.body } : {}),
      },
    ],
  });
  return { ...parseScenario(text, 'the command line'), target: origin };
}

/** A base URL: http(s), a host, no query or fragment; a path prefix is allowed. */
export function checkTarget(target: string, where: string): void {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new ScenarioError(`${where} must be a URL like http://127.0.0.1:8080; got "${target}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ScenarioError(`${where} must be an http:// or https:// URL; got "${target}"`);
  if (url.search || url.hash || url.username)
    throw new ScenarioError(
      `${where} must be a base URL without query, fragment or credentials; got "${target}"`,
    );
}

function checkTemplates(request: ScenarioRequest, where: string): void {
  compileTemplate(request.path, `${where}.path`);
  for (const [name, value] of Object.entries(request.headers))
    compileTemplate(value, `${where}.headers.${name}`);
  if (request.body !== undefined) walkStrings(request.body, `${where}.body`, compileTemplate);
}

/** Calls `visit` with every string in a JSON value (not object keys) and its field path. */
export function walkStrings(
  value: unknown,
  where: string,
  visit: (text: string, where: string) => void,
): void {
  if (typeof value === 'string') visit(value, where);
  else if (Array.isArray(value)) value.forEach((item, i) => walkStrings(item, `${where}[${i}]`, visit));
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) walkStrings(item, `${where}.${key}`, visit);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = fieldPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => `"${key}"`).join(', ');
    return `${where || '(top level)'}: unknown field ${keys}`;
  }
  if (issue.code === 'invalid_key') {
    const inner = issue.issues[0]?.message ?? issue.message;
    return `${where}: ${inner}`;
  }
  return `${where || '(top level)'}: ${issue.message}`;
}

function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out;
}
