import type { z } from 'zod';

/** One answer a route gives: its status, and the schema of its body unless it has none. */
export interface DocumentedAnswer {
  readonly status: number;
  readonly schema?: z.ZodType;
  readonly description?: string;
  /** `application/json` unless said otherwise (`text/plain` for metrics). */
  readonly mediaType: string;
  /** An error answer: its body is the platform's error body. */
  readonly error?: boolean;
}

/** What a route says about itself for the OpenAPI document, beyond what Nest's metadata says. */
export interface RouteDoc {
  readonly summary?: string;
  readonly description?: string;
  readonly answers: readonly DocumentedAnswer[];
  /** The body, when no ZodPipe validates it (a validator of its own does). */
  readonly accepts?: { readonly schema: z.ZodType; readonly description?: string };
}

const ROUTE_DOC = 'platform:openapi-route';

/** What the decorators below recorded on a route handler (nothing recorded: no answers). */
export function routeDocOf(handler: object): RouteDoc {
  return (Reflect.getMetadata(ROUTE_DOC, handler) as RouteDoc | undefined) ?? { answers: [] };
}

function amend(change: (doc: RouteDoc) => RouteDoc): MethodDecorator {
  return (_target, _key, descriptor) => {
    const handler = descriptor.value as object;
    Reflect.defineMetadata(ROUTE_DOC, change(routeDocOf(handler)), handler);
    return descriptor;
  };
}

/** A route's one-line summary (and a longer description) in the OpenAPI document. */
export function Summary(summary: string, description?: string): MethodDecorator {
  return amend((doc) => ({ ...doc, summary, ...(description === undefined ? {} : { description }) }));
}

/**
 * An answer of the route: `@Answers(200, userSchema)`; `@Answers(204)` for one without a body.
 * Repeat it for each success status (`PUT` answering 201 or 200). Errors get the platform's error
 * body by themselves: see {@link Fails} to name one.
 */
export function Answers(
  status: number,
  schema?: z.ZodType,
  options: { readonly description?: string; readonly mediaType?: string } = {},
): MethodDecorator {
  const answer = {
    status,
    schema,
    description: options.description,
    mediaType: options.mediaType ?? 'application/json',
  };
  return amend((doc) => ({ ...doc, answers: [...doc.answers, answer] }));
}

/** An error answer worth naming (`@Fails(409, 'the email is taken')`), with the platform's error body. */
export function Fails(status: number, description: string): MethodDecorator {
  const answer = { status, description, mediaType: 'application/json', error: true };
  return amend((doc) => ({ ...doc, answers: [...doc.answers, answer] }));
}

/** The body's schema, for a route whose body a validator other than a ZodPipe checks. */
export function Accepts(schema: z.ZodType, description?: string): MethodDecorator {
  return amend((doc) => ({
    ...doc,
    accepts: { schema, ...(description === undefined ? {} : { description }) },
  }));
}
