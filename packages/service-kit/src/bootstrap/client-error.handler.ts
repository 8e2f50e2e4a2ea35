import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

import type { Logger } from '@platform/observability';

/** What Node reports on a connection before any request reached Fastify. */
export interface ConnectionError extends Error {
  readonly code?: string;
}

interface Answer {
  readonly status: number;
  /** As in CODE_BY_STATUS, where the status has one. */
  readonly code: string;
  readonly message: string;
}

const ANSWERS: Readonly<Record<string, Answer>> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: 'request_timeout',
    message: 'the request did not arrive in time (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS)',
  },
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'headers_too_large',
    message: 'the request headers are larger than this server accepts',
  },
};
const MALFORMED: Answer = { status: 400, code: 'bad_request', message: 'the request is not valid HTTP' };

/**
 * Answers what Node reports on a connection itself — a request late past the header or request
 * timeout (408), headers too large (431), bytes that are not HTTP (400) — in the platform's error
 * shape, then closes the connection. The socket is gone afterwards, so each connection is logged
 * once at most, however many bytes an attacker trickles. Nothing is written once a response has
 * begun (HTTP has no way to take it back), nor to a connection the client already reset.
 */
export function clientErrorHandler(logger: Logger): (error: ConnectionError, socket: Socket) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const { status, code, message } = ANSWERS[error.code ?? ''] ?? MALFORMED;
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (socket.writable && !inFlight?.headersSent) {
      const body = JSON.stringify({ error: { code, message } });
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\n` +
          `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    }
    logger.info(
      { remoteAddress: socket.remoteAddress, status, reason: error.code },
      `closed a connection: ${message}`,
    );
    socket.destroy(error);
  };
}
