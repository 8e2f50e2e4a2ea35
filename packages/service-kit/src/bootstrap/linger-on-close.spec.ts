import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from '@jest/globals';

import { lingerOnClose } from './linger-on-close.js';

const BODY_BYTES = 4 * 1024 * 1024;

/**
 * A server that answers 413 with `connection: close` before reading the body (as Fastify does for a
 * body over its limit), lingering or not.
 */
async function refusingServer(linger: boolean): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    if (linger) lingerOnClose(request.socket, 2_000);
    response.writeHead(413, { connection: 'close', 'content-type': 'text/plain' });
    response.end('too large');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * A client that sends its headers and part of the body, gives the server time to answer and close,
 * sends the rest, and only then reads: what it reads is what a busy client, still uploading when the
 * answer came, gets to see.
 */
function uploadThenRead(port: number): Promise<{ text: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let text = '';
    let error: string | undefined;
    socket.pause();
    socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
    socket.on('close', () => resolve({ text, ...(error === undefined ? {} : { error }) }));
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.once('connect', () => {
      socket.write(`POST /users HTTP/1.1\r\nhost: x\r\ncontent-length: ${BODY_BYTES}\r\n\r\n`);
      socket.write(Buffer.alloc(256 * 1024, 'x'));
      setTimeout(() => {
        socket.write(Buffer.alloc(BODY_BYTES - 256 * 1024, 'x'));
        setTimeout(() => socket.resume(), 200);
      }, 200);
    });
  });
}

describe(lingerOnClose.name, () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('lets a client still sending its body read the answer that refused it', async () => {
    const server = await refusingServer(true);
    close = server.close;
    const { text, error } = await uploadThenRead(server.port);
    expect(text).toMatch(/^HTTP\/1\.1 413/);
    expect(error).toBeUndefined();
  });

  it('(without it, the reset of the closed connection loses that answer)', async () => {
    const server = await refusingServer(false);
    close = server.close;
    const { text, error } = await uploadThenRead(server.port);
    expect(text).toBe('');
    expect(['EPIPE', 'ECONNRESET']).toContain(error);
  });
});
