// Proxy overhead: what the gateway costs on top of a trivial upstream, against nginx proxying the same
// upstream on the same machine in the same run.
//
// - Upstream: bench/lib/trivial-upstream.mjs (node:http, a small JSON body), registered in the registry
//   with RegistryAnnouncer under `bench-echo` with routes metadata `echo`, so the gateway routes
//   `/api/echo/...` to it with no configuration.
// - Gateway: apps/gateway as a real process (Kafka broker started here), RATE_LIMIT_PER_SECOND=0,
//   LOG_LEVEL=warn, balancing, breakers and metrics on (defaults). A second gateway process with
//   LOG_LEVEL=info shows what request logging costs.
// - nginx (Debian): worker_processes 1, keepalive to the upstream, access_log off.
// - Two Node proxies with nothing of the platform: lib/lean-proxy.mjs (node:http + undici's
//   low-level dispatch: Node's ceiling here) and lib/bare-proxy.mjs (Fastify + undici, the gateway's
//   own HTTP parts).
//
// (a) Throughput: wrk -t1 -c32 (closed loop), every path, rounds interleaved, median.
// (b) Added latency: the open-loop generator at a fixed rate (default 500 req/s), p50/p99 and what
//     nginx and the gateway add over direct.
// (c) With --profile: one more wrk run against a gateway started with --cpu-prof; top costs printed.
//
//   npx turbo run build --output-logs=errors-only && node bench/proxy-overhead.mjs
//   node bench/proxy-overhead.mjs --quick           # short smoke run
//   node bench/proxy-overhead.mjs --profile         # also profile the gateway under wrk
//   flags: --rate 500 --wrk-seconds 10 --rounds 3 --latency-seconds 20 --connections 32 --keep

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { freePort, startKafka } from '@platform/local-infra';

import { summarizeProfile } from './lib/cpu-profile.mjs';
import { createHarness, loadavg, machine, parseArgs } from './lib/harness.mjs';
import { ms, pct, runOpenLoopInChild, summarize, validityLine } from './lib/open-loop.mjs';
import { startNginx } from './lib/nginx.mjs';
import { startProcess, startService, waitForOk, waitForPort } from './lib/processes.mjs';
import { describeDisturbance, waitQuiet, watchDisturbance } from './lib/quiet.mjs';
import { printTable, ratio } from './lib/table.mjs';
import { runWrk } from './lib/wrk.mjs';

const args = parseArgs();
const QUICK = args.quick === true;
const RATE = Number(args.rate ?? 500);
const WRK_SECONDS = Number(args['wrk-seconds'] ?? (QUICK ? 4 : 10));
const ROUNDS = Number(args.rounds ?? (QUICK ? 1 : 3));
const LATENCY_SECONDS = Number(args['latency-seconds'] ?? (QUICK ? 6 : 20));
const CONNECTIONS = Number(args.connections ?? 32);
const PROFILE = args.profile === true;
const ADMIN_TOKEN = randomBytes(24).toString('base64url');

const harness = createHarness('proxy-overhead', { keep: args.keep === true });
const { log } = harness;

async function main() {
  log(`proxy-overhead: ${machine()}; load average ${loadavg()}`);
  const kafkaPort = await freePort();
  const kafka = await startKafka({
    dataDir: path.join(harness.dir, 'kafka'),
    port: kafkaPort,
    controllerPort: await freePort(),
    logFile: path.join(harness.dir, 'logs', 'kafka.log'),
    persistent: false,
    onProgress: (message) => log(`kafka: ${message}`),
  });
  harness.onCleanup(() => kafka.stop());
  const brokers = kafka.brokers.join(',');

  const upstreamPort = await freePort();
  const upstream = startProcess(harness, {
    command: process.execPath,
    args: [new URL('./lib/trivial-upstream.mjs', import.meta.url).pathname],
    env: { PORT: String(upstreamPort), KAFKA_BROKERS: brokers, SERVICE: 'bench-echo', ROUTES: 'echo' },
    logFile: path.join(harness.dir, 'logs', 'upstream.log'),
  });
  await waitForPort(upstreamPort);

  const nginxPort = await freePort();
  const nginx = await startProxyNginx(nginxPort, upstreamPort);

  // Two Node proxies with nothing of the platform in them: Fastify + undici (the gateway's own parts),
  // and node:http + undici's low-level dispatch (the leanest Node can do).
  const startNodeProxy = async (name) => {
    const port = await freePort();
    const proc = startProcess(harness, {
      command: process.execPath,
      args: [new URL(`./lib/${name}.mjs`, import.meta.url).pathname],
      env: { PORT: String(port), UPSTREAM: `http://127.0.0.1:${upstreamPort}` },
      logFile: path.join(harness.dir, 'logs', `${name}.log`),
    });
    await waitForPort(port);
    return { port, pid: proc.pid };
  };
  const bare = await startNodeProxy('bare-proxy');
  const lean = await startNodeProxy('lean-proxy');

  const gateway = await startGateway('gateway-warn', brokers, { LOG_LEVEL: 'warn' });
  const targets = {
    direct: `http://127.0.0.1:${upstreamPort}/echo/hello`,
    nginx: `http://127.0.0.1:${nginxPort}/echo/hello`,
    lean: `http://127.0.0.1:${lean.port}/api/echo/hello`,
    bare: `http://127.0.0.1:${bare.port}/api/echo/hello`,
    gateway: `${gateway.url}/api/echo/hello`,
  };
  for (const url of Object.values(targets)) await waitForOk(url, { timeoutMs: 30_000 });
  log(
    `up: upstream :${upstreamPort} (pid ${upstream.pid}), nginx :${nginxPort} (pid ${nginx.pid}), ` +
      `lean Node proxy :${lean.port} (pid ${lean.pid}), bare Node proxy :${bare.port} (pid ${bare.pid}), ` +
      `gateway ${gateway.url}`,
  );

  // (a) throughput, closed loop.
  await waitQuiet(log);
  const watch = watchDisturbance();
  const wrkRuns = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
  for (const [name, url] of Object.entries(targets)) {
    log(`wrk warm-up 3 s: ${name}`);
    await runWrk(url, { connections: CONNECTIONS, durationS: 3 });
  }
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, url] of Object.entries(targets)) {
      log(`wrk -t1 -c${CONNECTIONS} -d${WRK_SECONDS}s round ${round}/${ROUNDS}: ${name}`);
      const result = await runWrk(url, { connections: CONNECTIONS, durationS: WRK_SECONDS });
      log(
        `  ${name}: ${result.rps.toFixed(0)} req/s, p50 ${ms(result.p50, 2)} ms, p99 ${ms(result.p99, 2)} ms` +
          errorsOf(result),
      );
      wrkRuns[name].push(result);
    }
  }

  // (b) added latency at a moderate, fixed rate.
  const latency = {};
  for (const [name, url] of Object.entries(targets)) {
    log(`open loop ${RATE} req/s for ${LATENCY_SECONDS} s (+3 s warm-up): ${name}`);
    latency[name] = await runOpenLoopInChild({
      url,
      rate: RATE,
      durationMs: LATENCY_SECONDS * 1000,
      warmupMs: 3000,
      timeoutMs: 1000,
      onProgress: ({ elapsedMs, sent }) =>
        log(`  ${name}: ${(elapsedMs / 1000) | 0}/${LATENCY_SECONDS} s, sent ${sent}`),
    });
    log(`  ${name}: ${validityLine(latency[name])}`);
  }

  // The same gateway with request logging on (LOG_LEVEL=info): one line per request.
  await gateway.process.stop();
  const infoGateway = await startGateway('gateway-info', brokers, { LOG_LEVEL: 'info' });
  const infoUrl = `${infoGateway.url}/api/echo/hello`;
  await waitForOk(infoUrl, { timeoutMs: 30_000 });
  log('gateway with LOG_LEVEL=info: wrk warm-up 3 s');
  await runWrk(infoUrl, { connections: CONNECTIONS, durationS: 3 });
  const infoWrk = [];
  for (let round = 1; round <= ROUNDS; round++) {
    log(`wrk round ${round}/${ROUNDS}: gateway (LOG_LEVEL=info)`);
    infoWrk.push(await runWrk(infoUrl, { connections: CONNECTIONS, durationS: WRK_SECONDS }));
  }
  log(`open loop ${RATE} req/s for ${LATENCY_SECONDS} s: gateway (LOG_LEVEL=info)`);
  const infoLatency = await runOpenLoopInChild({
    url: infoUrl,
    rate: RATE,
    durationMs: LATENCY_SECONDS * 1000,
    warmupMs: 3000,
    timeoutMs: 1000,
  });
  log(`  gateway (info): ${validityLine(infoLatency)}`);
  await infoGateway.process.stop();

  let profile;
  if (PROFILE) profile = await profileGateway(brokers);

  const disturbance = watch.stop();
  report(wrkRuns, infoWrk, latency, infoLatency, profile);
  console.log(`While measuring, ${describeDisturbance(disturbance)}.`);
}

function errorsOf(result) {
  return result.non2xx || result.socketErrors
    ? ` (non-2xx ${result.non2xx}, socket errors ${result.socketErrors})`
    : '';
}

async function startGateway(instanceId, brokers, env, extraNodeArgs = []) {
  const port = await freePort();
  const proc = startService(harness, {
    service: 'gateway',
    instanceId,
    port,
    extraNodeArgs,
    env: {
      KAFKA_BROKERS: brokers,
      ADMIN_TOKEN,
      RATE_LIMIT_PER_SECOND: '0',
      ...env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForOk(`${url}/health/ready`, { process: proc });
  return { process: proc, url };
}

function startProxyNginx(port, upstreamPort) {
  return startNginx(harness, {
    port,
    writtenBy: 'bench/proxy-overhead.mjs',
    http: `  upstream echo {
    server 127.0.0.1:${upstreamPort};
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://echo;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }`,
  });
}

async function profileGateway(brokers) {
  const dir = path.join(harness.dir, 'profile');
  fs.mkdirSync(dir, { recursive: true });
  const profiled = await startGateway('gateway-profiled', brokers, { LOG_LEVEL: 'warn' }, [
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
  ]);
  const url = `${profiled.url}/api/echo/hello`;
  await waitForOk(url, { timeoutMs: 30_000 });
  log(`profiling the gateway (--cpu-prof) under wrk -t1 -c${CONNECTIONS} for ${WRK_SECONDS} s`);
  await runWrk(url, { connections: CONNECTIONS, durationS: 3 });
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  const result = await runWrk(url, { connections: CONNECTIONS, durationS: WRK_SECONDS });
  const toUs = Number(process.hrtime.bigint() / 1000n);
  await profiled.process.stop();
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) {
    log('!! no .cpuprofile was written');
    return undefined;
  }
  const kept = path.join(os.tmpdir(), 'bench-profiles');
  fs.mkdirSync(kept, { recursive: true });
  const target = path.join(kept, `gateway-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
  fs.copyFileSync(path.join(dir, file), target);
  log(`profile kept at ${target} (open it in Chrome DevTools or speedscope)`);
  // Only the samples taken during the measured wrk run: start-up and warm-up left out.
  return { rps: result.rps, ...summarizeProfile(target, { top: 20, fromUs, toUs }) };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function report(wrkRuns, infoWrk, latency, infoLatency, profile) {
  const rps = Object.fromEntries(
    Object.entries(wrkRuns).map(([k, runs]) => [k, median(runs.map((r) => r.rps))]),
  );
  const infoRps = median(infoWrk.map((r) => r.rps));
  const row = (name, runs, value) => [
    name,
    value.toFixed(0),
    runs.map((r) => r.rps.toFixed(0)).join(' / '),
    ms(median(runs.map((r) => r.p50)), 2),
    ms(median(runs.map((r) => r.p99)), 2),
    ratio(value, rps.direct),
    ratio(value, rps.nginx),
    ratio(value, rps.bare),
    runs.reduce((sum, r) => sum + r.non2xx + r.socketErrors, 0),
  ];
  printTable(
    `(a) Throughput, wrk -t1 -c${CONNECTIONS} -d${WRK_SECONDS}s, GET of a ~80-byte JSON body, median of ${ROUNDS} ` +
      'interleaved rounds; wrk, proxy and upstream share the 2 cores. Reference: direct and nginx, same run.',
    [
      'path',
      'req/s (median)',
      'rounds',
      'p50 ms',
      'p99 ms',
      'vs direct',
      'vs nginx',
      'vs bare Node',
      'errors',
    ],
    [
      row('direct to upstream', wrkRuns.direct, rps.direct),
      row('nginx (1 worker, keepalive)', wrkRuns.nginx, rps.nginx),
      row('lean Node proxy (node:http + undici dispatch)', wrkRuns.lean, rps.lean),
      row('bare Node proxy (Fastify + undici)', wrkRuns.bare, rps.bare),
      row('gateway, LOG_LEVEL=warn', wrkRuns.gateway, rps.gateway),
      row('gateway, LOG_LEVEL=info', infoWrk, infoRps),
    ],
  );
  const direct = summarize(latency.direct);
  const lrow = (name, result) => {
    const s = summarize(result);
    return [
      name,
      ms(s.p50, 2),
      ms(s.p99, 2),
      ms(s.p999, 2),
      name.startsWith('direct') ? '—' : ms(s.p50 - direct.p50, 2),
      name.startsWith('direct') ? '—' : ms(s.p99 - direct.p99, 2),
      pct(s.success, 2),
      result.valid ? 'VALID' : 'INVALID',
    ];
  };
  printTable(
    `(b) Latency at ${RATE} req/s open loop (${LATENCY_SECONDS} s each, from the scheduled send time). ` +
      'Reference: direct to the upstream, same run.',
    ['path', 'p50 ms', 'p99 ms', 'p99.9 ms', 'added p50 ms', 'added p99 ms', 'success', 'generator'],
    [
      lrow('direct to upstream', latency.direct),
      lrow('nginx', latency.nginx),
      lrow('lean Node proxy', latency.lean),
      lrow('bare Node proxy', latency.bare),
      lrow('gateway, LOG_LEVEL=warn', latency.gateway),
      lrow('gateway, LOG_LEVEL=info', infoLatency),
    ],
  );
  for (const [name, result] of [...Object.entries(latency), ['gateway (info)', infoLatency]])
    if (!result.valid) console.log(`${name}: ${validityLine(result)}`);

  const gw = summarize(latency.gateway);
  const share = rps.gateway / rps.nginx;
  const added = gw.p50 - direct.p50;
  console.log(
    `Goal: gateway ≥ 50% of nginx's throughput: ${pct(share)} → ${share >= 0.5 ? 'MET' : 'NOT MET'}; ` +
      `added p50 < 1 ms at ${RATE} req/s: ${ms(added, 2)} ms → ${added < 1 ? 'MET' : 'NOT MET'}` +
      (latency.gateway.valid && latency.direct.valid
        ? ''
        : ' (generator INVALID: do not trust the latency figures)'),
  );
  console.log(
    `The leanest Node proxy (node:http + undici dispatch, nothing else) reaches ${pct(rps.lean / rps.nginx)} ` +
      `of nginx here, a bare one (Fastify + undici) ${pct(rps.bare / rps.nginx)}; ` +
      `the gateway reaches ${pct(rps.gateway / rps.bare)} of the bare Node proxy.`,
  );
  console.log(`Request logging (info) costs ${pct(1 - infoRps / rps.gateway)} of the gateway's throughput.`);

  if (profile) {
    printTable(
      `(c) Gateway CPU profile under wrk (${profile.rps.toFixed(0)} req/s while profiled): self time by area, ` +
        `share of the ${(profile.busyMs / 1000).toFixed(1)} s busy (non-idle) time`,
      ['area', 'self ms', 'share'],
      profile.areas.slice(0, 15).map((a) => [a.name, a.ms.toFixed(0), pct(a.shareOfBusy)]),
    );
    printTable(
      '(c) Top functions by self time',
      ['function', 'self ms', 'share'],
      profile.functions.slice(0, 20).map((f) => [f.name, f.ms.toFixed(0), pct(f.shareOfBusy)]),
    );
  }
}

await harness.run(main);
