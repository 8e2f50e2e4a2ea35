import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

import {
  continueOrStartTrace,
  TRACEPARENT_HEADER,
  TRACESTATE_HEADER,
  type TraceContext,
} from './trace-context.js';

/** What every log line and every outbound call made while serving one request carries. */
export interface RequestContext {
  readonly requestId: string;
  readonly trace: TraceContext;
}

/** The header that carries a request id from the gateway through every service call. */
export const REQUEST_ID_HEADER = 'x-request-id';

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `context` as the current request context (for it and everything it awaits). */
export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/**
 * Makes `context` current for the rest of the running asynchronous flow. Meant for framework hooks
 * (Fastify's onRequest) whose continuation cannot be wrapped in a callback.
 */
export function enterRequestContext(context: RequestContext): void {
  storage.enterWith(context);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/**
 * The context of a request that arrived with `headers`: its id, and the trace of its `traceparent`
 * continued in a new span (or a new trace when it has none or a malformed one).
 */
export function createRequestContext(requestId: string, headers: IncomingHttpHeaders = {}): RequestContext {
  return { requestId, trace: continueOrStartTrace(headers[TRACEPARENT_HEADER], headers[TRACESTATE_HEADER]) };
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Keeps a caller's request id when it is well formed (so one id follows a request across services)
 * and creates one otherwise; a malformed id is never echoed into logs or headers.
 */
export function acceptOrCreateRequestId(incoming: string | string[] | undefined): string {
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value !== undefined && REQUEST_ID_PATTERN.test(value) ? value : randomUUID();
}
