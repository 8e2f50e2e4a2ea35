import { createServer, type Socket } from 'node:net';

/**
 * A broker that is frozen rather than stopped (SIGSTOP, a hung VM): it accepts TCP connections and
 * never answers a byte. kafkajs then waits out its request timeouts instead of failing fast, which is
 * what start-up and shutdown must survive. Used by the outage tests of kafka, discovery and flags-sdk.
 */
export class BlackHoleBroker {
  private readonly sockets = new Set<Socket>();
  private readonly server = createServer((socket) => {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  });

  /** `127.0.0.1:port`, for KAFKA_BROKERS. */
  address = '';

  static async start(): Promise<BlackHoleBroker> {
    const broker = new BlackHoleBroker();
    await new Promise<void>((resolve) => broker.server.listen(0, '127.0.0.1', resolve));
    const address = broker.server.address();
    if (address === null || typeof address === 'string') throw new Error('the black hole has no port');
    broker.address = `127.0.0.1:${address.port}`;
    return broker;
  }

  /** Connections accepted so far and still open. */
  get connections(): number {
    return this.sockets.size;
  }

  /** Drops every connection and stops listening: from then on the port refuses, like a stopped broker. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
