import { HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { FAILURE_ORIGIN_HEADER, type Logger } from '@platform/observability';

import { allowedMethods } from './allowed-methods.js';
import { isPlatformError, type ErrorKind } from './platform-error.js';
import { pathAsSent } from './request-path.js';

/** The JSON body of every error response on the platform. */
export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly details?: unknown;
  };
  readonly requestId?: string;
}

export interface ErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: ErrorBody;
}

export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  bad_gateway: 502,
  unavailable: 503,
  timeout: 504,
  internal: 500,
};

/** Stable codes for errors that come from HTTP itself rather than from a service. */
export const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'unavailable',
  504: 'gateway_timeout',
};

/**
 * Fastify's errors raised before routing that have a platform code or message of their own. A URL
 * whose percent-encoding does not decode (`%c0%ae`, `%u002e`) is refused like any other hostile
 * path, and the answer does not echo it back. A content-type that is not a media type at all says
 * what to send instead.
 */
const FRAMEWORK_ERRORS: Readonly<Record<string, { readonly code: string; readonly message: string }>> = {
  FST_ERR_BAD_URL: {
    code: 'invalid_path',
    message: 'the request path contains percent-encoding that does not decode',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'unsupported_media_type',
    message:
      'the content-type header is not a media type; send the body as JSON with content-type: application/json',
  },
};

/**
 * Maps anything thrown while serving `request` to the platform's error response: platform errors
 * by kind; HTTP errors of the framework (unknown route, bad JSON, body too large) by status; and
 * anything else to a 500 whose details stay in the log, never in the response. A path that no route
 * has is a 404, one whose routes take other methods a 405 with `Allow`; both name the path as the
 * client sent it (see {@link pathAsSent}).
 */
export function toErrorResponse(exception: unknown, request: FastifyRequest): ErrorResponse {
  let status: number;
  let code: string;
  let message: string;
  let details: unknown;
  const headers: Record<string, string> = {};
  if (isPlatformError(exception)) {
    status = STATUS_BY_KIND[exception.kind];
    code = exception.code;
    message = exception.message;
    details = exception.details;
    if (exception.retryAfterSeconds !== undefined)
      headers['retry-after'] = String(exception.retryAfterSeconds);
    if (exception.origin !== undefined && status >= 500) headers[FAILURE_ORIGIN_HEADER] = exception.origin;
  } else if (exception instanceof HttpException || isClientError(exception)) {
    status =
      exception instanceof HttpException
        ? exception.getStatus()
        : (exception as { statusCode: number }).statusCode;
    const framework = FRAMEWORK_ERRORS[frameworkCode(exception)];
    code = framework?.code ?? CODE_BY_STATUS[status] ?? `http_${status}`;
    message = framework?.message ?? httpErrorMessage(exception);
    if (status === 404 && !framework) ({ status, code, message } = noRoute(request, headers));
  } else {
    status = 500;
    code = 'internal_error';
    message = `internal error; the service log has the details under request id ${request.id}`;
  }
  if (status === 401) headers['www-authenticate'] = 'Bearer';
  return {
    status,
    headers,
    body: { error: { code, message, ...(details === undefined ? {} : { details }) }, requestId: request.id },
  };
}

/** Sends {@link toErrorResponse}'s answer, logging server-side failures (500 with the stack). */
export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  exception: unknown,
  logger: Logger,
): void {
  const response = toErrorResponse(exception, request);
  if (response.status === 500) {
    logger.error({ err: exception, status: 500 }, response.body.error.message);
  } else if (response.status > 500) {
    // Expected failures (no instance, upstream down): the code and message say it all.
    logger.warn({ status: response.status, code: response.body.error.code }, response.body.error.message);
  }
  void reply
    .status(response.status)
    .headers(response.headers)
    .header('content-type', 'application/json; charset=utf-8')
    .send(response.body);
}

/**
 * The framework found no route: a 404 `no route for`, unless routes at the path take other methods,
 * then a 405 saying which (also in `Allow`, as RFC 9110 asks).
 */
function noRoute(
  request: FastifyRequest,
  headers: Record<string, string>,
): { status: number; code: string; message: string } {
  const path = pathAsSent(request);
  const allowed = allowedMethods(request);
  if (allowed.length === 0 || allowed.includes(request.method))
    return { status: 404, code: CODE_BY_STATUS[404]!, message: `no route for ${request.method} ${path}` };
  headers['allow'] = allowed.join(', ');
  return {
    status: 405,
    code: CODE_BY_STATUS[405]!,
    message: `${request.method} is not allowed on ${path}; it takes ${allowed.join(', ')}`,
  };
}

/** The code of a Fastify error, also when Nest's adapter wrapped it in an HttpException (as its cause). */
function frameworkCode(exception: unknown): string {
  const error = exception instanceof HttpException ? (exception.cause ?? exception) : exception;
  return String((error as { code?: unknown } | null)?.code);
}

/** Fastify's own request errors (bad JSON, body too large...) carry a 4xx statusCode. */
function isClientError(exception: unknown): boolean {
  const status = (exception as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

function httpErrorMessage(exception: unknown): string {
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    if (typeof response === 'string') return response;
    const message = (response as { message?: unknown }).message;
    if (Array.isArray(message)) return message.join('; ');
    if (typeof message === 'string') return message;
  }
  return (exception as Error).message;
}
