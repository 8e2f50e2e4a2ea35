import { connect, type Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { startEdgeService, type EdgeService } from './support/edge-service.js';

const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2_000;
/**
 * How late past its deadline a connection may close: Node checks deadlines every tenth of the
 * headers timeout; the rest is room for a busy machine (accepting, reading and closing 70
 * connections in a process the test's clients share), to which the test adds how late this
 * process's timers ran. Without the limits they would stay open for 60 s or more.
 */
const SLACK_MS = HEADERS_TIMEOUT_MS / 10 + 1_000;

interface SlowClient {
  readonly kind: 'silent' | 'trickling headers' | 'trickling a body';
  /** When the server closed the connection, in ms after it opened. */
  readonly closedAfterMs: Promise<number>;
  /** All the server sent before closing. */
  received(): string;
  /** Stops trickling and closes the connection from this side (cleanup). */
  stop(): void;
}

/** A connection sending `opening` and a byte of `trickle` at once, then a byte every 100 ms, forever. */
function slowClient(port: number, kind: SlowClient['kind'], opening: string, trickle: string): SlowClient {
  const opened = performance.now();
  const socket: Socket = connect(port, '127.0.0.1');
  let data = '';
  let sent = 0;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (data += chunk));
  socket.on('error', () => undefined);
  const sendByte = () => socket.writable && socket.write(trickle[sent++ % trickle.length] ?? '');
  if (opening) socket.write(opening);
  if (trickle) sendByte();
  const timer = trickle ? setInterval(sendByte, 100) : undefined;
  const closedAfterMs = new Promise<number>((resolve) =>
    socket.on('close', () => {
      clearInterval(timer);
      resolve(performance.now() - opened);
    }),
  );
  const stop = () => {
    clearInterval(timer);
    socket.destroy();
  };
  return { kind, closedAfterMs, received: () => data, stop };
}

describe('slow clients (slowloris)', () => {
  let edge: EdgeService;
  const slow: SlowClient[] = [];
  beforeAll(async () => {
    edge = await startEdgeService({
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    });
  });
  afterAll(async () => {
    slow.forEach((client) => client.stop());
    await edge.service.shutdown('test over');
  });

  it('are each answered 408 and closed by their deadline, while ordinary requests are served as usual', async () => {
    const base = `http://127.0.0.1:${edge.port}`;
    const ordinary = async () => {
      const started = performance.now();
      const response = await fetch(`${base}/edge/upload`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'hello' }),
      });
      await response.text();
      return { status: response.status, ms: performance.now() - started };
    };
    for (let i = 0; i < 20; i += 1) await ordinary(); // warm up
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();

    for (let i = 0; i < 40; i += 1) {
      slow.push(slowClient(edge.port, 'trickling headers', '', 'GET /edge/whoami HTTP/1.1\r\nX-Pad: '));
    }
    for (let i = 0; i < 20; i += 1) {
      const headers =
        'POST /edge/upload HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n';
      slow.push(slowClient(edge.port, 'trickling a body', headers, ' '));
    }
    for (let i = 0; i < 10; i += 1) slow.push(slowClient(edge.port, 'silent', '', ''));

    // Ordinary requests all along, until the last slow connection is gone (or well past its deadline).
    let giveUpTimer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<number>((resolve) => {
      giveUpTimer = setTimeout(() => resolve(Infinity), REQUEST_TIMEOUT_MS * 2);
    });
    let attacking = true;
    const allClosed = Promise.all(slow.map((client) => Promise.race([client.closedAfterMs, giveUp]))).finally(
      () => (attacking = false),
    );
    const answered: { status: number; ms: number }[] = [];
    while (attacking) {
      answered.push(await ordinary());
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const closedAfter = await allClosed;
    clearTimeout(giveUpTimer);
    lag.disable();

    expect(answered.length).toBeGreaterThan(30);
    expect(answered.filter((answer) => answer.status !== 201)).toEqual([]);
    // None waited for slow connections to be timed out, and most took the few ms they take alone.
    const latencies = answered.map((answer) => answer.ms).sort((a, b) => a - b);
    expect(latencies.at(-1)).toBeLessThan(HEADERS_TIMEOUT_MS + lag.max / 1e6);
    expect(latencies[Math.floor(latencies.length / 2)]).toBeLessThan(100);

    // Each slow connection closed by the server at its deadline (not before: a timeout did it).
    const outsideDeadline = slow
      .map((client, i) => {
        const deadline = client.kind === 'trickling a body' ? REQUEST_TIMEOUT_MS : HEADERS_TIMEOUT_MS;
        const latest = Math.round(deadline + SLACK_MS + lag.max / 1e6);
        return { kind: client.kind, deadline, latest, closedAfterMs: Math.round(closedAfter[i] ?? Infinity) };
      })
      .filter(
        ({ deadline, latest, closedAfterMs }) => closedAfterMs < deadline - 50 || closedAfterMs > latest,
      );
    expect(outsideDeadline).toEqual([]);
    // What a slow client received is a 408, in full where it had stopped sending: one still
    // sending when the server closes may get a TCP reset that discards the answer (as with Node's own).
    const answers = slow.map((client) => ({ kind: client.kind, received: client.received() }));
    const is408 = (received: string) =>
      /^HTTP\/1\.1 408 Request Timeout\r\n[^]*\r\n\r\n\{"error":\{"code":"request_timeout"/.test(received);
    expect(answers.filter(({ received }) => received !== '' && !is408(received))).toEqual([]);
    expect(answers.filter(({ kind, received }) => kind === 'silent' && !is408(received))).toEqual([]);

    // One line per closed connection, whatever the number of bytes trickled, and nothing else logged.
    const lines = edge
      .logs()
      .filter((line) => line['msg'] !== 'request completed' && line['level'] !== 'debug');
    const closedLines = lines.filter((line) => String(line['msg']).startsWith('closed a connection'));
    expect(closedLines).toHaveLength(slow.length);
    expect(lines.filter((line) => line['level'] !== 'info')).toEqual([]);
  });
});
