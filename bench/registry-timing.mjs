// Registry timing: how fast the gateway's view follows instances coming and going, over repeated runs.
//
//   (a) a new id-service instance is ready (its /health/ready answers 200) → the first request the
//       gateway routes to it (x-served-by). The ids route uses round robin here, so a new instance gets
//       traffic at once (load-aware strategies may wait until it looks cheaper).
//   (b) graceful shutdown: SIGTERM → the last request routed to it (the send time of the last request
//       it answered; the instance leaves the registry at once and keeps serving for its 1 s drain).
//   (c) SIGKILL (no goodbye), two ways:
//       - passive: SIGKILL → the gateway stops sending to it, under steady load: normally its first
//         refused connection ejects it (/admin/upstreams shows the ejection and when it ends, hence
//         when it began); sometimes the 5-s active health probe finds it down first (then: when its
//         attempt counter last moved, polled every ~20 ms);
//       - TTL: SIGKILL → the gateway's /admin/registry no longer lists it (heartbeats stopped; the TTL
//         runs out). Default TTL 10 s and heartbeat 3 s, as the platform ships. The kill comes at a
//         random moment of the heartbeat cycle (1 s + up to one heartbeat interval after the first
//         routed request), so the runs sample every phase: expect TTL − heartbeat … TTL + the 0.5 s sweep.
//
// Steady load all along: POST /api/ids/snowflake through the gateway at a fixed rate (default 200/s)
// from this process, recording who answered each request and when it was sent. Two id-service
// instances stay up throughout; each run starts one more (a real process, as the runner starts it).
//
//   npx turbo run build --output-logs=errors-only && node bench/registry-timing.mjs
//   node bench/registry-timing.mjs --quick            # 3 runs each
//   flags: --runs 20 --rate 200 --ttl-ms 10000 --heartbeat-ms 3000 --keep

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { Agent, request } from 'undici';

import { freePort } from '@platform/local-infra';

import { createHarness, loadavg, machine, parseArgs, sleep } from './lib/harness.mjs';
import { percentile } from './lib/open-loop.mjs';
import { bootPlatform } from './lib/platform.mjs';
import { startService } from './lib/processes.mjs';
import { describeDisturbance, waitQuiet, watchDisturbance } from './lib/quiet.mjs';
import { printTable } from './lib/table.mjs';

const args = parseArgs();
const QUICK = args.quick === true;
const RUNS = Number(args.runs ?? (QUICK ? 3 : 20));
const RATE = Number(args.rate ?? 200);
const TTL_MS = Number(args['ttl-ms'] ?? 10_000);
const HEARTBEAT_MS = Number(args['heartbeat-ms'] ?? 3_000);
/** The route policy's default outlier.baseEjectionMs. */
const BASE_EJECTION_MS = 10_000;

const harness = createHarness('registry-timing', { keep: args.keep === true });
const { log } = harness;
const now = () => performance.timeOrigin + performance.now();

async function main() {
  log(`registry-timing: ${machine()}; load average ${loadavg()}`);
  log(
    `${RUNS} runs each, steady load ${RATE} req/s, registry TTL ${TTL_MS} ms, heartbeat ${HEARTBEAT_MS} ms`,
  );
  const registryEnv = { REGISTRY_TTL_MS: String(TTL_MS), REGISTRY_HEARTBEAT_MS: String(HEARTBEAT_MS) };
  const platform = await bootPlatform(harness, { idServices: 2, serviceEnv: registryEnv });
  const state = platform.state();
  const gateway = state.gatewayUrl;
  const adminHeaders = { authorization: `Bearer ${platform.adminToken}` };
  const admin = async (path, method = 'GET', body) => {
    const response = await fetch(`${gateway}${path}`, {
      method,
      headers: body ? { ...adminHeaders, 'content-type': 'application/json' } : adminHeaders,
      body: body && JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  await admin('/admin/routes/ids', 'PUT', { upstream: { strategy: 'round-robin' } });
  const instanceEnv = {
    KAFKA_BROKERS: state.infrastructure.kafka.brokers.join(','),
    // ids lives on PostgreSQL server a.
    DATABASE_URL: withDatabase(
      state.infrastructure.postgres.find((server) => server.name === 'a').url,
      'ids',
    ),
    ADMIN_TOKEN: platform.adminToken,
    LOG_LEVEL: 'warn',
    ...registryEnv,
  };

  await waitQuiet(log);
  const watch = watchDisturbance();
  const load = new SteadyLoad(`${gateway}/api/ids/snowflake`, RATE);
  load.start();
  harness.onCleanup(() => load.stop());
  await sleep(1_000);

  const ready = [];
  const term = [];
  const exits = [];
  const termErrors = [];
  let counter = 0;
  const start = async () => {
    const instanceId = `id-service-bench-${++counter}`;
    const port = await freePort();
    const proc = startService(harness, { service: 'id-service', instanceId, port, env: instanceEnv });
    // Ready: the first 200 from /health/ready, polled every 10 ms.
    const readyAt = await pollReady(`http://127.0.0.1:${port}/health/ready`, proc);
    return { instanceId, proc, readyAt };
  };

  log(`(a) + (b): ${RUNS} runs of start → routed → SIGTERM`);
  for (let run = 1; run <= RUNS && !harness.interrupted; run++) {
    const { instanceId, proc, readyAt } = await start();
    const firstAt = await load.waitFirst(instanceId, 30_000);
    ready.push(firstAt - readyAt);
    await sleep(1_000);
    const errorsBefore = load.errors;
    const termAt = now();
    proc.child.kill('SIGTERM');
    await proc.exited;
    await sleep(300);
    const last = load.last(instanceId);
    if (Number.isNaN(last)) throw new Error(`${instanceId} answered nothing`);
    term.push(last - termAt);
    termErrors.push(load.errors - errorsBefore);
    exits.push(now() - termAt - 300);
    if (exits.at(-1) > 5_000) {
      const kept = path.join(os.tmpdir(), `bench-registry-timing-${instanceId}-${Date.now()}.log`);
      fs.copyFileSync(proc.logFile, kept);
      log(`  !! ${instanceId} took ${fmt(exits.at(-1))} ms to exit after SIGTERM; its log: ${kept}`);
    }
    log(
      `  run ${run}/${RUNS}: ready → first routed ${fmt(firstAt - readyAt)} ms; SIGTERM → last routed ` +
        `${fmt(last - termAt)} ms; exited after ${fmt(now() - termAt)} ms; client errors ${load.errors - errorsBefore}`,
    );
  }

  log(`(c): ${RUNS} runs of start → routed → SIGKILL → ejected / expired`);
  const passive = [];
  const expiry = [];
  const killErrors = [];
  const afterEjection = [];
  const how = [];
  for (let run = 1; run <= RUNS && !harness.interrupted; run++) {
    const { instanceId, proc } = await start();
    await load.waitFirst(instanceId, 30_000);
    // A random moment in the heartbeat cycle, so the TTL expiry samples every phase of it.
    await sleep(1_000 + Math.random() * HEARTBEAT_MS);
    const errorsBefore = load.errors;
    const entryOf = (upstreams) =>
      upstreams.services['id-service']?.instances.find((i) => i.instanceId === instanceId);
    let attempts = entryOf(await admin('/admin/upstreams'))?.requests ?? 0;
    const killAt = now();
    proc.child.kill('SIGKILL');
    // Poll the gateway (every ~20 ms): its attempts on the instance, its ejection (passive health), its
    // active health check's verdict, and its registry view (TTL).
    let lastAttemptSeenAt = killAt;
    let ejectedAt;
    let attemptsAtEjection;
    let unhealthyAt;
    let removedAt;
    while (now() - killAt < TTL_MS + 5_000) {
      const [upstreams, registry] = await Promise.all([admin('/admin/upstreams'), admin('/admin/registry')]);
      const at = now();
      const entry = entryOf(upstreams);
      if (entry && entry.requests > attempts) {
        attempts = entry.requests;
        lastAttemptSeenAt = at;
      }
      if (entry?.ejected && ejectedAt === undefined) {
        // The gateway stamps the ejection's end: base ejection time × count after the moment it ejected.
        ejectedAt = Date.parse(entry.ejected.until) - BASE_EJECTION_MS * entry.ejected.count;
        attemptsAtEjection = entry.requests;
      }
      if (entry && !entry.healthy && unhealthyAt === undefined) unhealthyAt = at;
      if (!(registry.services['id-service'] ?? []).some((i) => i.instanceId === instanceId)) {
        removedAt = at;
        break;
      }
      await sleep(20);
    }
    // Stopped sending: at the ejection (exact), or else when its attempt counter last moved (an active
    // health probe found it down first; resolution one poll, ~20-30 ms).
    const stoppedAt = ejectedAt ?? lastAttemptSeenAt;
    how.push(ejectedAt !== undefined ? 'ejected' : unhealthyAt !== undefined ? 'health probe' : 'no attempt');
    passive.push(stoppedAt - killAt);
    expiry.push(removedAt === undefined ? Infinity : removedAt - killAt);
    killErrors.push(load.errors - errorsBefore);
    afterEjection.push(attemptsAtEjection === undefined ? 0 : attempts - attemptsAtEjection);
    log(
      `  run ${run}/${RUNS}: SIGKILL → no more attempts on it after ${fmt(stoppedAt - killAt)} ms (${how.at(-1)}` +
        `${unhealthyAt !== undefined ? `; health probe failed at ${fmt(unhealthyAt - killAt)} ms` : ''}; ` +
        `attempts after the ejection: ${afterEjection.at(-1)}); → gone from the registry ` +
        `${removedAt === undefined ? 'NOT within TTL + 5 s' : `${fmt(removedAt - killAt)} ms`}; client errors ${load.errors - errorsBefore}`,
    );
  }
  load.stop();
  report({
    ready,
    term,
    passive,
    expiry,
    termErrors,
    killErrors,
    afterEjection,
    exits,
    how,
    requests: load.sent,
  });
  console.log(`While measuring, ${describeDisturbance(watch.stop())}.`);
}

function report({
  ready,
  term,
  passive,
  expiry,
  termErrors,
  killErrors,
  afterEjection,
  exits,
  how,
  requests,
}) {
  const EUREKA_MS = 120_000;
  const row = (what, values, goalMs, errors) => {
    const sorted = [...values].sort((a, b) => a - b);
    const p99 = percentile(sorted, 0.99);
    return [
      what,
      values.length,
      fmt(sorted[0]),
      fmt(percentile(sorted, 0.5)),
      fmt(p99),
      fmt(sorted[sorted.length - 1]),
      `< ${goalMs.toLocaleString('en')}`,
      p99 < goalMs ? 'MET' : 'NOT MET',
      p99 > 0 && Number.isFinite(p99) ? `${(EUREKA_MS / p99).toFixed(0)}×` : 'n/a',
      errors === undefined ? '—' : errors.reduce((a, b) => a + b, 0),
    ];
  };
  printTable(
    `Registry timing (ms) over ${ready.length} + ${passive.length} runs; steady load ${RATE} req/s through the gateway, ` +
      `round robin on /api/ids; TTL ${TTL_MS / 1000} s, heartbeat ${HEARTBEAT_MS / 1000} s. Reference: Eureka's ` +
      'documented worst case, ~2 minutes (30 s heartbeats, 90 s eviction, 30 s client cache refresh, 30 s Ribbon refresh).',
    [
      'measurement',
      'runs',
      'min',
      'p50',
      'p99',
      'max',
      'goal p99 (ms)',
      'goal',
      'faster than Eureka ~120 s',
      'client errors',
    ],
    [
      row('(a) ready → first request routed to it', ready, 1_000),
      row('(b) SIGTERM → last request routed to it', term, 1_000, termErrors),
      row('(c) SIGKILL → no more attempts on it (passive, under load)', passive, TTL_MS, killErrors),
      row(`(c) SIGKILL → gone from /admin/registry (TTL expiry)`, expiry, TTL_MS),
    ],
  );
  const retried = afterEjection.reduce((a, b) => a + b, 0);
  const counts = {};
  for (const h of how) counts[h] = (counts[h] ?? 0) + 1;
  console.log(
    `How the gateway stopped sending to a killed instance: ${Object.entries(counts)
      .map(([h, n]) => `${h} ${n}×`)
      .join(
        ', ',
      )} (ejected: its first refused connection; health probe: the 5-s /health/ready probe found it down before any request did).`,
  );
  const sortedExits = [...exits].sort((a, b) => a - b);
  console.log(
    `Graceful exits (SIGTERM → process gone; 1 s drain included): p50 ${fmt(percentile(sortedExits, 0.5))} ms, ` +
      `max ${fmt(sortedExits.at(-1))} ms; ${exits.filter((e) => e > 5_000).length} of ${exits.length} took over 5 s.`,
  );
  console.log(
    `${requests} requests sent by the steady load in all. A negative (a): the gateway routed to the instance before its ` +
      '/health/ready said 200 (it announces itself once its HTTP server listens). After an ejection, the gateway made ' +
      `${retried} more attempt(s) on killed instances in all before they left the registry (an ejection lasts ` +
      `${BASE_EJECTION_MS / 1000} s, then the instance is tried again).`,
  );
}

/** POST requests at a fixed rate; remembers, per instance, when the first and last requests it answered were sent. */
class SteadyLoad {
  constructor(url, rate) {
    this.url = url;
    this.intervalMs = 1000 / rate;
    this.agent = new Agent({ connections: 256, keepAliveTimeout: 30_000 });
    this.first = new Map();
    this.lastSent = new Map();
    this.waiters = new Map();
    this.errors = 0;
    this.sent = 0;
    this.running = false;
  }

  start() {
    this.running = true;
    const t0 = performance.now();
    let next = 0;
    const tick = () => {
      if (!this.running) return;
      while (t0 + next * this.intervalMs <= performance.now()) {
        next++;
        this.send();
      }
      this.timer = setTimeout(tick, Math.max(0, t0 + next * this.intervalMs - performance.now()));
    };
    tick();
  }

  send() {
    const sentAt = now();
    this.sent++;
    request(this.url, { dispatcher: this.agent, method: 'POST', signal: AbortSignal.timeout(5_000) })
      .then(async (response) => {
        await response.body.dump();
        if (response.statusCode !== 200) this.errors++;
        const served = response.headers['x-served-by'];
        if (typeof served !== 'string') return;
        if (!this.first.has(served)) {
          this.first.set(served, sentAt);
          this.waiters.get(served)?.(sentAt);
        }
        if ((this.lastSent.get(served) ?? 0) < sentAt) this.lastSent.set(served, sentAt);
      })
      .catch(() => this.errors++);
  }

  /** Resolves with the send time of the first request `instanceId` answered. */
  waitFirst(instanceId, timeoutMs) {
    if (this.first.has(instanceId)) return Promise.resolve(this.first.get(instanceId));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${instanceId} got no request within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.set(instanceId, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }

  last(instanceId) {
    return this.lastSent.get(instanceId) ?? Number.NaN;
  }

  stop() {
    this.running = false;
    clearTimeout(this.timer);
    return this.agent.close().catch(() => undefined);
  }
}

async function pollReady(url, proc) {
  const agent = new Agent({ connections: 1 });
  try {
    for (;;) {
      if (!proc.running()) throw new Error(`the instance exited while starting; see ${proc.logFile}`);
      const at = now();
      try {
        const response = await request(url, { dispatcher: agent, signal: AbortSignal.timeout(1_000) });
        await response.body.dump();
        if (response.statusCode === 200) return (at + now()) / 2;
      } catch {
        // not listening yet
      }
      await sleep(10);
    }
  } finally {
    await agent.close();
  }
}

function withDatabase(serverUrl, database) {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

function fmt(value) {
  if (value === Infinity) return 'never';
  if (Number.isNaN(value)) return 'n/a';
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(1);
}

await harness.run(main);
