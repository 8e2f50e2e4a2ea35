import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { eventually } from './eventually.js';
import { startFreezableProxy, type FreezableProxy } from './freezable-proxy.js';

/** A real TCP server that writes back every byte it reads. */
async function startEchoServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.pipe(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return { server, port: address.port };
}

/** A client socket that collects what it receives. */
async function connect(proxy: FreezableProxy): Promise<{ socket: Socket; received: () => string }> {
  const socket = createConnection({ host: proxy.host, port: proxy.port });
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return { socket, received: () => received };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe(startFreezableProxy.name, () => {
  let echo: { server: Server; port: number };
  let proxy: FreezableProxy;
  const sockets: Socket[] = [];

  beforeEach(async () => {
    echo = await startEchoServer();
    proxy = await startFreezableProxy({ host: '127.0.0.1', port: echo.port });
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await proxy.close();
    await new Promise((resolve) => echo.server.close(resolve));
  });

  async function client(): Promise<{ socket: Socket; received: () => string }> {
    const connection = await connect(proxy);
    sockets.push(connection.socket);
    return connection;
  }

  it('forwards bytes in both directions', async () => {
    const { socket, received } = await client();
    socket.write('ping');
    await eventually(() => expect(received()).toBe('ping'));
  });

  it('while frozen, holds every byte and still accepts connections that get no answer', async () => {
    const open = await client();
    proxy.freeze();
    open.socket.write('held-1');

    const late = await client(); // the handshake completes, as the kernel of a stopped host does it
    late.socket.write('held-2');

    await pause(300);
    expect(open.received()).toBe('');
    expect(late.received()).toBe('');
    expect(proxy.openConnections).toBe(2);

    open.socket.write('+more');
    proxy.thaw();
    await eventually(() => expect(open.received()).toBe('held-1+more'));
    await eventually(() => expect(late.received()).toBe('held-2'));

    open.socket.write('/after');
    await eventually(() => expect(open.received()).toBe('held-1+more/after'));
  });

  it('freezes a connection mid-stream: nothing that arrives after the freeze is answered', async () => {
    const { socket, received } = await client();
    socket.write('a');
    await eventually(() => expect(received()).toBe('a'));
    proxy.freeze();
    socket.write('b');
    await pause(300);
    expect(received()).toBe('a');
    proxy.thaw();
    await eventually(() => expect(received()).toBe('ab'));
  });

  it('cut() closes every connection, like a crash, and keeps accepting new ones', async () => {
    const first = await client();
    const second = await client();
    await eventually(() => expect(proxy.openConnections).toBe(2));

    proxy.cut();
    await Promise.all([once(first.socket, 'close'), once(second.socket, 'close')]);
    await eventually(() => expect(proxy.openConnections).toBe(0));

    const next = await client();
    next.socket.write('again');
    await eventually(() => expect(next.received()).toBe('again'));
  });

  it('cut() while frozen still closes the connections', async () => {
    const { socket } = await client();
    proxy.freeze();
    proxy.cut();
    await once(socket, 'close');
  });
});
