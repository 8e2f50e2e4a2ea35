import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { answerExpectations, decideExpectation } from './expect-continue.js';

const LIMIT = 1_000;

describe(decideExpectation.name, () => {
  it('lets a 100-continue request within the limit go on, whatever the case of the header', () => {
    expect(decideExpectation({ expect: '100-continue', 'content-length': '1000' }, LIMIT)).toEqual({
      action: 'continue',
    });
    expect(decideExpectation({ expect: ' 100-Continue ' }, LIMIT)).toEqual({ action: 'continue' });
  });

  it('refuses a body announced over the limit with 413, before it is sent', () => {
    expect(decideExpectation({ expect: '100-continue', 'content-length': '1001' }, LIMIT)).toMatchObject({
      action: 'refuse',
      status: 413,
      code: 'payload_too_large',
    });
  });

  it('answers any other expectation with 417', () => {
    for (const value of ['200-ok', '100-continue, x-more', '']) {
      expect(decideExpectation({ expect: value, 'content-length': '10' }, LIMIT)).toMatchObject({
        action: 'refuse',
        status: 417,
        code: 'expectation_failed',
      });
    }
  });
});

/** Sends `head` on a raw connection, then `body` once the server said 100 Continue; returns all it read. */
function exchange(port: number, head: string, body = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let sentBody = false;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (!sentBody && received.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) {
        sentBody = true;
        socket.write(body);
      }
    });
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
    socket.write(head);
  });
}

describe(answerExpectations.name, () => {
  let server: Server;
  let port: number;
  let bodiesRead = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      let length = 0;
      request.on('data', (chunk: Buffer) => (length += chunk.length));
      request.on('end', () => {
        bodiesRead++;
        response.setHeader('connection', 'close');
        response.end(`read ${length}`);
      });
    });
    answerExpectations(server, LIMIT);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('says 100 Continue, then hands the request to the handler, which reads the body', async () => {
    const received = await exchange(
      port,
      'POST /api/ids HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n',
      'hello',
    );

    expect(received).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    expect(received).toContain('read 5');
  });

  it('answers 413 in the platform error JSON without asking for the body, and closes', async () => {
    const before = bodiesRead;
    const received = await exchange(
      port,
      'POST /api/ids HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 10000000\r\nX-Request-Id: req-7\r\n\r\n',
    );

    expect(received).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    expect(received).not.toContain('100 Continue');
    expect(received.toLowerCase()).toContain('connection: close');
    const body = JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4)) as unknown;
    expect(body).toEqual({
      error: {
        code: 'payload_too_large',
        message: 'the body of 10000000 bytes is over the limit of 1000 bytes; do not send it',
      },
      requestId: 'req-7',
    });
    expect(bodiesRead).toBe(before);
  });

  it('answers 417 to an expectation other than 100-continue', async () => {
    const received = await exchange(
      port,
      'POST /api/ids HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Length: 5\r\n\r\n',
    );

    expect(received).toMatch(/^HTTP\/1\.1 417 Expectation Failed\r\n/);
    expect(received).toContain('"code":"expectation_failed"');
  });
});
