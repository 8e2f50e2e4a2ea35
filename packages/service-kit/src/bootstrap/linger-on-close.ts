import type { Socket } from 'node:net';

/** How long a closing connection keeps reading a body its client is still sending. */
export const LINGER_MS = 2_000;

const lingering = new WeakSet<Socket>();

/**
 * A lingering close (RFC 9112 §9.6) for a connection answered before its request body was read: a
 * 413, a parse error, a refusal at the edge, a response during shutdown. Node closes such a
 * connection as soon as the answer is flushed; bytes of the body still arriving then make the kernel
 * send a reset, and a reset discards whatever the client had not read yet — the answer included. A
 * client POSTing 2 MB to the gateway under load saw EPIPE instead of its 413 in 42 of 100 tries.
 *
 * So the connection sends its answer and a FIN as before, then goes on reading (and discarding, as
 * the HTTP parser does with a body nobody reads) until the client closes its side or `lingerMs`
 * passes, and only then is destroyed.
 */
export function lingerOnClose(socket: Socket, lingerMs = LINGER_MS): void {
  if (lingering.has(socket)) return;
  lingering.add(socket);
  socket.destroySoon = () => {
    if (socket.writable) socket.end();
    const timer = setTimeout(() => socket.destroy(), lingerMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    socket.once('end', () => socket.destroy());
    socket.resume();
  };
}
