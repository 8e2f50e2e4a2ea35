import net from 'node:net';

/** Raw HTTP/1.1 over a socket: for requests fetch would normalise or refuse to send. */

export function hostPort(baseUrl: string): { host: string; port: number } {
  const url = new URL(baseUrl);
  return { host: url.hostname, port: Number(url.port || 80) };
}

/**
 * Writes `head` (and `body`, if any) and resolves with the status of the first final answer (a 1xx
 * is skipped unless `stopAtInterim`), or 0 when the socket closed or `timeoutMs` passed first.
 */
export function rawRequest(
  baseUrl: string,
  head: string,
  options: { body?: string; timeoutMs?: number; stopAtInterim?: boolean } = {},
): Promise<{ status: number; ms: number; text: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect(hostPort(baseUrl));
    let text = '';
    const finish = (status: number) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ status, ms: performance.now() - started, text });
    };
    const timer = setTimeout(() => finish(0), options.timeoutMs ?? 5_000);
    socket.on('connect', () => {
      socket.write(head);
      if (options.body !== undefined) socket.write(options.body);
    });
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      for (const match of text.matchAll(/HTTP\/1\.1 (\d{3})/g)) {
        const status = Number(match[1]);
        if (status >= 200 || options.stopAtInterim) return finish(status);
      }
    });
    socket.on('error', () => finish(0));
    socket.on('close', () => finish(0));
  });
}

/** A request that is abandoned: half a body, or no wait for the answer, then the socket is destroyed. */
export function abortedRequest(
  baseUrl: string,
  head: string,
  partialBody: string,
  afterMs: number,
): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(hostPort(baseUrl));
    socket.on('connect', () => {
      socket.write(head + partialBody);
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, afterMs);
    });
    socket.on('error', () => resolve());
  });
}

/** A slowloris client: a request head trickled one byte a second; resolves when the server closes it. */
export function slowClient(baseUrl: string, stopAt: number): { closedAfterMs: Promise<number | null> } {
  const started = Date.now();
  const closedAfterMs = new Promise<number | null>((resolve) => {
    const socket = net.connect(hostPort(baseUrl));
    let timer: NodeJS.Timeout | undefined;
    const done = (value: number | null) => {
      clearInterval(timer);
      socket.destroy();
      resolve(value);
    };
    socket.on('connect', () => {
      socket.write('GET /api/ids/snowflake HTTP/1.1\r\nHost: chaos\r\nX-Slow: ');
      timer = setInterval(() => {
        if (Date.now() >= stopAt) return done(null);
        socket.write('a');
      }, 1_000);
    });
    socket.on('close', () => done(Date.now() - started));
    socket.on('error', () => done(Date.now() - started));
  });
  return { closedAfterMs };
}
