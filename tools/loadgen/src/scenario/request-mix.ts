import { type HttpMethod, type Scenario, type ScenarioRequest } from './scenario.js';
import { compileTemplate, type TemplateContext } from './template.js';

/** One request ready for the HTTP client: placeholders filled, body serialised. */
export interface PreparedRequest {
  /** Position of its kind in the scenario's `requests` (for per-request counts). */
  readonly kind: number;
  readonly method: HttpMethod;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

/**
 * Picks the scenario's requests at random in proportion to their weights and fills their
 * placeholders. Compiled once per worker; `next(seq)` is all the per-request work.
 */
export class RequestMix {
  readonly names: readonly string[];
  private readonly builders: readonly ((context: TemplateContext) => PreparedRequest)[];
  private readonly cumulative: Float64Array;
  private readonly totalWeight: number;

  constructor(scenario: Scenario, target: string) {
    const prefix = new URL(target).pathname.replace(/\/+$/, '');
    this.names = scenario.requests.map((request) => request.name);
    this.builders = scenario.requests.map((request, kind) => compileRequest(request, kind, prefix));
    this.cumulative = new Float64Array(scenario.requests.length);
    let sum = 0;
    scenario.requests.forEach((request, i) => (this.cumulative[i] = sum += request.weight));
    this.totalWeight = sum;
  }

  /** A request picked by weight, its placeholders filled for request number `seq`. */
  next(seq: number): PreparedRequest {
    const r = Math.random() * this.totalWeight;
    let kind = 0;
    while (kind < this.cumulative.length - 1 && r >= this.cumulative[kind]!) kind++;
    return this.builders[kind]!({ seq });
  }
}

function compileRequest(
  request: ScenarioRequest,
  kind: number,
  prefix: string,
): (context: TemplateContext) => PreparedRequest {
  const where = `requests[${kind}]`;
  const path = compileTemplate(prefix + request.path, `${where}.path`);
  const headers: Record<string, string> = { ...request.headers };
  const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  if (request.body !== undefined && !hasContentType) headers['content-type'] = 'application/json';
  const headerTemplates = Object.entries(headers).map(
    ([name, value]) => [name, compileTemplate(value, `${where}.headers.${name}`)] as const,
  );
  const constantHeaders = headerTemplates.every(([, template]) => template.constant !== undefined);
  const body = request.body === undefined ? undefined : compileJson(request.body, `${where}.body`);
  const constantBody = body?.constant ? JSON.stringify(request.body) : undefined;
  const { method } = request;
  return (context) => ({
    kind,
    method,
    path: path.constant ?? path.render(context),
    headers: constantHeaders
      ? headers
      : Object.fromEntries(headerTemplates.map(([name, template]) => [name, template.render(context)])),
    body: body === undefined ? undefined : (constantBody ?? JSON.stringify(body.build(context))),
  });
}

interface JsonBuilder {
  readonly constant: boolean;
  build(context: TemplateContext): unknown;
}

/** A JSON value whose strings are templates, rebuilt per request only where a placeholder is. */
function compileJson(value: unknown, where: string): JsonBuilder {
  if (typeof value === 'string') {
    const template = compileTemplate(value, where);
    return template.constant !== undefined
      ? { constant: true, build: () => value }
      : { constant: false, build: (context) => template.render(context) };
  }
  if (Array.isArray(value)) {
    const list: unknown[] = value;
    const items = list.map((item, i) => compileJson(item, `${where}[${i}]`));
    if (items.every((item) => item.constant)) return { constant: true, build: () => list };
    return { constant: false, build: (context) => items.map((item) => item.build(context)) };
  }
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value).map(
      ([key, item]) => [key, compileJson(item, `${where}.${key}`)] as const,
    );
    if (fields.every(([, field]) => field.constant)) return { constant: true, build: () => value };
    return {
      constant: false,
      build: (context) => {
        const out: Record<string, unknown> = {};
        for (const [key, field] of fields) out[key] = field.build(context);
        return out;
      },
    };
  }
  return { constant: true, build: () => value };
}
