// Slowloris against one service app, as every service is built (createServiceApp: Fastify under
// Nest), with the default edge settings (HTTP_HEADERS_TIMEOUT_MS 10 s, HTTP_REQUEST_TIMEOUT_MS 30 s).
//
// - The service runs in a child process (this script with --serve), so the attackers and the
//   ordinary client below do not share its event loop.
// - Attack: --clients raw TCP connections (300), each sending one byte of a never-ending request
//   header every --interval-ms (1000), opened over --ramp-ms (1000); with --body N, N more send
//   complete headers and then trickle their body.
// - Meanwhile an ordinary client (fetch, keep-alive) sends GET /health/live every 50 ms: first for
//   --baseline-seconds (5) alone, then from the start of the attack until 2 s after the server has
//   closed the last slow connection.
// - Reported: when the last slow connection was closed, by the server or not; how many got a 408;
//   the ordinary requests' success rate and latency (p50, p99, max), alone and during the attack;
//   the service's log lines about closed connections.
//
//   npx turbo run build --output-logs=errors-only --filter=@platform/service-kit && node bench/slowloris.mjs
//   flags: --clients 300 --body 0 --interval-ms 1000 --ramp-ms 1000 --baseline-seconds 5

import { spawn } from 'node:child_process';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

import { loadavg, machine, parseArgs } from './lib/harness.mjs';

const args = parseArgs();

if (args.serve === true) {
  await serve();
} else {
  await attack();
}

/** The child: one service app with the default settings; its JSON log lines go to standard output. */
async function serve() {
  const { Module } = await import('@nestjs/common');
  const { baseEnvSchema, createServiceApp, loadConfig } = await import('@platform/service-kit');
  class EmptyModule {}
  Module({})(EmptyModule);
  const config = loadConfig(baseEnvSchema, { PORT: '0', KAFKA_BROKERS: '127.0.0.1:9', LOG_LEVEL: 'info' });
  const service = await createServiceApp({ name: 'slowloris-target', config, module: () => EmptyModule });
  process.on('SIGTERM', () => void service.shutdown('SIGTERM').finally(() => process.exit(0)));
}

async function attack() {
  const CLIENTS = Number(args.clients ?? 300);
  const BODY_CLIENTS = Number(args.body ?? 0);
  const INTERVAL_MS = Number(args['interval-ms'] ?? 1_000);
  const RAMP_MS = Number(args['ramp-ms'] ?? 1_000);
  const BASELINE_SECONDS = Number(args['baseline-seconds'] ?? 5);
  const log = (line) => console.log(`[${(performance.now() / 1000).toFixed(1).padStart(6)} s] ${line}`);
  log(`slowloris: ${machine()}; load average ${loadavg()}`);

  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = () => child.exitCode === null && child.kill('SIGTERM');
  process.on('exit', stop);
  const closedLines = [];
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the service exited with ${code}`)));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line);
      if (entry.url) resolve(entry.url);
      if (String(entry.msg).startsWith('closed a connection')) closedLines.push(entry);
    });
  });
  const { port } = new URL(url);
  log(`service at ${url}`);

  const sample = async (seconds, until) => {
    const results = [];
    const end = performance.now() + seconds * 1_000;
    while (until ? !until() : performance.now() < end) {
      const started = performance.now();
      try {
        const response = await fetch(`${url}/health/live`);
        await response.arrayBuffer();
        results.push({ ok: response.status === 200, ms: performance.now() - started });
      } catch {
        results.push({ ok: false, ms: performance.now() - started });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return results;
  };

  log(`ordinary client alone for ${BASELINE_SECONDS} s`);
  const baseline = await sample(BASELINE_SECONDS);

  log(
    `attack: ${CLIENTS} connections trickling header bytes${BODY_CLIENTS ? ` and ${BODY_CLIENTS} trickling a body` : ''}, one byte per ${INTERVAL_MS} ms each`,
  );
  const attackStart = performance.now();
  const slow = [];
  const header = 'GET /health/live HTTP/1.1\r\nHost: target\r\nX-Slow: ';
  const bodyHeaders =
    'POST /health/live HTTP/1.1\r\nHost: target\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n';
  for (let i = 0; i < CLIENTS + BODY_CLIENTS; i++) {
    const body = i >= CLIENTS;
    setTimeout(
      () => slow.push(openSlow(Number(port), body ? bodyHeaders : '', body ? 'x' : header)),
      (i * RAMP_MS) / (CLIENTS + BODY_CLIENTS),
    );
  }
  function openSlow(port, opening, trickle) {
    const client = {
      opened: performance.now(),
      closed: undefined,
      data: '',
      sent: 0,
      timer: undefined,
      body: opening !== '',
    };
    const socket = net.connect(port, '127.0.0.1');
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (client.data += chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(client.timer);
      client.closed = performance.now();
    });
    if (opening) socket.write(opening);
    client.timer = setInterval(
      () => socket.writable && socket.write(trickle[client.sent++ % trickle.length]),
      INTERVAL_MS,
    );
    client.socket = socket;
    return client;
  }
  const total = CLIENTS + BODY_CLIENTS;
  const allClosed = () => slow.length === total && slow.every((client) => client.closed !== undefined);
  const giveUpAt = attackStart + 120_000;
  let lastClosed;
  const during = await sample(0, () => {
    if (allClosed()) lastClosed ??= performance.now();
    return (
      (lastClosed !== undefined && performance.now() > lastClosed + 2_000) || performance.now() > giveUpAt
    );
  });
  const stillOpen = slow.filter((client) => client.closed === undefined);
  stillOpen.forEach((client) => client.socket.destroy());

  const lifetimes = slow.filter((c) => c.closed !== undefined).map((c) => c.closed - c.opened);
  const got408 = slow.filter((client) => client.data.startsWith('HTTP/1.1 408 ')).length;
  console.log();
  console.log(`slow connections: ${total}; still open after 120 s: ${stillOpen.length}`);
  if (lastClosed !== undefined)
    console.log(`last slow connection closed ${s(lastClosed - attackStart)} after the attack began`);
  console.log(
    `lifetime of a slow connection: min ${s(Math.min(...lifetimes))}, p50 ${s(pct(lifetimes, 50))}, max ${s(Math.max(...lifetimes))}`,
  );
  console.log(
    `answered 408 before closing: ${got408} of ${total}; service log lines about closed connections: ${closedLines.length}`,
  );
  console.log();
  console.log('ordinary requests        count  success   p50      p99      max');
  for (const [name, results] of [
    ['alone', baseline],
    ['during the attack', during],
  ]) {
    const ms = results.map((r) => r.ms);
    const ok = results.filter((r) => r.ok).length;
    console.log(
      `${name.padEnd(24)} ${String(results.length).padStart(5)}  ${((100 * ok) / results.length).toFixed(1).padStart(6)}%  ${f(pct(ms, 50))}  ${f(pct(ms, 99))}  ${f(Math.max(...ms))}`,
    );
  }
  log(`done; load average ${loadavg()}`);
  stop();
  process.exit(0);
}

function pct(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function s(ms) {
  return `${(ms / 1000).toFixed(2)} s`;
}

function f(ms) {
  return `${ms.toFixed(1)} ms`.padStart(8);
}
