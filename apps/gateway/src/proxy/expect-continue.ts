import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';

import { acceptOrCreateRequestId, REQUEST_ID_HEADER } from '@platform/observability';
import type { ErrorBody } from '@platform/service-kit';

/**
 * What the gateway answers to a request with an `Expect` header, before reading its body. A client
 * sends `Expect: 100-continue` (curl does for bodies over 1 MB) to learn whether the body is
 * wanted before it sends it. Node answers 100 Continue by itself unless the server listens for
 * `checkContinue`; the gateway listens, so that a body over its limit is refused at once (413,
 * nothing read) instead of after the client sent it. Any other expectation is one the gateway
 * cannot meet: 417, as RFC 9110 §10.1.1 allows. The `expect` header itself never goes upstream
 * (forward-headers.ts): by the time the gateway calls the upstream it has the whole body.
 */
export type ExpectDecision =
  | { readonly action: 'continue' }
  | {
      readonly action: 'refuse';
      readonly status: 413 | 417;
      readonly code: 'payload_too_large' | 'expectation_failed';
      readonly message: string;
    };

export function decideExpectation(headers: IncomingHttpHeaders, bodyLimitBytes: number): ExpectDecision {
  const expectation = headers.expect?.trim().toLowerCase();
  if (expectation !== '100-continue') {
    return {
      action: 'refuse',
      status: 417,
      code: 'expectation_failed',
      message: 'the gateway meets only "Expect: 100-continue"',
    };
  }
  const length = Number(headers['content-length']);
  if (headers['content-length'] !== undefined && length > bodyLimitBytes) {
    return {
      action: 'refuse',
      status: 413,
      code: 'payload_too_large',
      message: `the body of ${length} bytes is over the limit of ${bodyLimitBytes} bytes; do not send it`,
    };
  }
  return { action: 'continue' };
}

/**
 * Makes `server` decide every `Expect` header with {@link decideExpectation}: 100 Continue and the
 * request goes on to the server's request handler (Fastify), or the refusal in the platform's
 * error JSON, closing the connection so the body is never read.
 */
export function answerExpectations(server: Server, bodyLimitBytes: number): void {
  const answer = (request: IncomingMessage, response: ServerResponse): void => {
    const decision = decideExpectation(request.headers, bodyLimitBytes);
    if (decision.action === 'continue') {
      response.writeContinue();
      server.emit('request', request, response);
      return;
    }
    const requestId = acceptOrCreateRequestId(request.headers[REQUEST_ID_HEADER]);
    const body: ErrorBody = { error: { code: decision.code, message: decision.message }, requestId };
    const payload = JSON.stringify(body);
    response.writeHead(decision.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(payload),
      connection: 'close',
      [REQUEST_ID_HEADER]: requestId,
    });
    response.end(payload);
  };
  // `checkContinue` for 100-continue; `checkExpectation` for any other value (Node would send a bare 417).
  server.on('checkContinue', answer);
  server.on('checkExpectation', answer);
}
