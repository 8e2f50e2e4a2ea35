import type { Socket } from 'node:net';

import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';

import { clientErrorHandler, type ConnectionError } from './client-error.handler.js';

/** A socket as the handler sees it, recording what was written and whether it was closed. */
function fakeSocket(state: { destroyed?: boolean; writable?: boolean; responseStarted?: boolean } = {}) {
  const socket = {
    remoteAddress: '10.0.0.9',
    destroyed: state.destroyed ?? false,
    writable: state.writable ?? true,
    _httpMessage: state.responseStarted === undefined ? null : { headersSent: state.responseStarted },
    written: '',
    write(chunk: string) {
      socket.written += chunk;
      return true;
    },
    destroy() {
      socket.destroyed = true;
    },
  };
  return socket;
}

function handlerWithLog() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { handle: clientErrorHandler(logger), lines };
}

const error = (code: string): ConnectionError => Object.assign(new Error(code), { code });

describe(clientErrorHandler.name, () => {
  it('answers a request late past its deadline with a 408 in the platform error shape, and closes', () => {
    const { handle, lines } = handlerWithLog();
    const socket = fakeSocket();
    handle(error('ERR_HTTP_REQUEST_TIMEOUT'), socket as unknown as Socket);

    const [head = '', body = ''] = socket.written.split('\r\n\r\n');
    expect(head.split('\r\n')).toEqual([
      'HTTP/1.1 408 Request Timeout',
      'connection: close',
      'content-type: application/json; charset=utf-8',
      `content-length: ${body.length}`,
    ]);
    expect(JSON.parse(body)).toEqual({
      error: { code: 'request_timeout', message: expect.stringContaining('did not arrive in time') },
    });
    expect(socket.destroyed).toBe(true);
    expect(lines).toEqual([
      expect.objectContaining({ remoteAddress: '10.0.0.9', status: 408, reason: 'ERR_HTTP_REQUEST_TIMEOUT' }),
    ]);
  });

  it('answers oversized headers with 431 and bytes that are not HTTP with 400', () => {
    const { handle } = handlerWithLog();
    const big = fakeSocket();
    handle(error('HPE_HEADER_OVERFLOW'), big as unknown as Socket);
    expect(big.written).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    const garbage = fakeSocket();
    handle(error('HPE_INVALID_METHOD'), garbage as unknown as Socket);
    expect(garbage.written).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(garbage.written).toContain('"code":"bad_request"');
  });

  it('closes without writing once a response has begun', () => {
    const { handle } = handlerWithLog();
    const socket = fakeSocket({ responseStarted: true });
    handle(error('ERR_HTTP_REQUEST_TIMEOUT'), socket as unknown as Socket);
    expect(socket.written).toBe('');
    expect(socket.destroyed).toBe(true);
  });

  it('ignores a connection the client reset or that is already closed, without a log line', () => {
    const { handle, lines } = handlerWithLog();
    const reset = fakeSocket();
    handle(error('ECONNRESET'), reset as unknown as Socket);
    const closed = fakeSocket({ destroyed: true });
    handle(error('ERR_HTTP_REQUEST_TIMEOUT'), closed as unknown as Socket);
    expect(reset.written + closed.written).toBe('');
    expect(lines).toEqual([]);
  });
});
