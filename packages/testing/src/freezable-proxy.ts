import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a real server (PostgreSQL in our tests) that can play a hung host.
 *
 * A server stopped with SIGSTOP is not a refused port: the kernel still completes the TCP handshake
 * and buffers what arrives, but nothing is read and nothing comes back. `freeze()` reproduces that from
 * the outside: connections stay open, new ones are accepted, and no byte moves in either direction.
 * `thaw()` delivers what was held, in order, and forwards again (the process was continued).
 * `cut()` closes every connection at once (the process crashed); the proxy keeps listening.
 */
export interface FreezableProxy {
  readonly host: string;
  readonly port: number;
  readonly frozen: boolean;
  /** Connections currently open through the proxy. */
  readonly openConnections: number;
  freeze(): void;
  thaw(): void;
  cut(): void;
  close(): Promise<void>;
}

export interface ProxyTarget {
  host: string;
  port: number;
}

/** What one direction of a connection still owes its peer while frozen: data, then maybe the end. */
type Held = Buffer | 'end';

/** One direction of a proxied connection: bytes read from `from` are written to `to`. */
class Direction {
  private readonly held: Held[] = [];

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    private readonly isFrozen: () => boolean,
  ) {
    from.on('data', (chunk: Buffer) => this.forward(chunk));
    from.on('end', () => this.forward('end'));
  }

  /** Writes what was held while frozen and starts reading again. */
  release(): void {
    for (const item of this.held.splice(0)) this.write(item);
    if (!this.to.writableNeedDrain) this.from.resume();
  }

  private forward(item: Held): void {
    if (this.isFrozen()) {
      this.held.push(item);
      // Stop reading: further bytes wait in the kernel's buffers, as they would for a stopped process.
      this.from.pause();
      return;
    }
    this.write(item);
  }

  private write(item: Held): void {
    if (this.to.destroyed) return;
    if (item === 'end') {
      this.to.end();
      return;
    }
    if (!this.to.write(item)) {
      this.from.pause();
      this.to.once('drain', () => {
        if (!this.isFrozen()) this.from.resume();
      });
    }
  }
}

class ProxiedConnection {
  private readonly directions: Direction[];

  constructor(
    readonly client: Socket,
    readonly upstream: Socket,
    isFrozen: () => boolean,
    onClosed: () => void,
  ) {
    this.directions = [new Direction(client, upstream, isFrozen), new Direction(upstream, client, isFrozen)];
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      client.destroy();
      upstream.destroy();
      onClosed();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
    if (isFrozen()) this.freeze();
  }

  /** Stops reading on both sides at once, so nothing in flight slips through after the freeze. */
  freeze(): void {
    this.client.pause();
    this.upstream.pause();
  }

  thaw(): void {
    for (const direction of this.directions) direction.release();
  }

  destroy(): void {
    this.client.destroy();
    this.upstream.destroy();
  }
}

export async function startFreezableProxy(
  target: ProxyTarget,
  { host = '127.0.0.1' }: { host?: string } = {},
): Promise<FreezableProxy> {
  const connections = new Set<ProxiedConnection>();
  let frozen = false;
  const isFrozen = (): boolean => frozen;

  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: target.host, port: target.port });
    const connection: ProxiedConnection = new ProxiedConnection(client, upstream, isFrozen, () =>
      connections.delete(connection),
    );
    connections.add(connection);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');

  return {
    host,
    port: address.port,
    get frozen() {
      return frozen;
    },
    get openConnections() {
      return connections.size;
    },
    freeze() {
      frozen = true;
      for (const connection of connections) connection.freeze();
    },
    thaw() {
      frozen = false;
      for (const connection of connections) connection.thaw();
    },
    cut() {
      for (const connection of connections) connection.destroy();
    },
    async close() {
      frozen = false;
      for (const connection of connections) connection.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
