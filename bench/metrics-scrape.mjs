// Scrape cost: how long the gateway takes to answer Prometheus's GET /metrics, and how much it
// sends, as the registry grows: the gateway alone (only itself registered), then with 50 upstream
// instances registered, then once it has sent requests to every one of them (so that each has its
// per-instance series: in-flight, latency EWMA, ejected, breaker state and calls). The ratio is
// against the gateway alone, measured in the same run.
//
// The platform is started by the runner's Platform class (PostgreSQL and Kafka on free ports in a
// temp directory, one gateway, no other service). The 50 upstreams are tiny node:http servers in this
// process, each announced in the registry like a service (RegistryAnnouncer, `routes: scrape`). Each
// measurement: a warm-up, then sequential GETs of /metrics from this process (keep-alive), time to
// the last byte.
//
//   npx turbo run build --output-logs=errors-only && node bench/metrics-scrape.mjs
//   node bench/metrics-scrape.mjs --quick              # 100 scrapes per case
//   flags: --instances 50 --scrapes 500 --no-wait-quiet --keep

import http from 'node:http';
import { performance } from 'node:perf_hooks';

import { Agent, request } from 'undici';

import { RegistryAnnouncer } from '@platform/discovery';
import { createKafka } from '@platform/kafka';
import { createLogger } from '@platform/observability';

import { createHarness, loadavg, machine, parseArgs, sleep } from './lib/harness.mjs';
import { percentile } from './lib/open-loop.mjs';
import { bootPlatform } from './lib/platform.mjs';
import { describeDisturbance, waitQuiet, watchDisturbance } from './lib/quiet.mjs';
import { printTable, ratio } from './lib/table.mjs';

const args = parseArgs();
const QUICK = args.quick === true;
const INSTANCES = Number(args.instances ?? 50);
const SCRAPES = Number(args.scrapes ?? (QUICK ? 100 : 500));
const WARMUP = Math.max(20, Math.round(SCRAPES / 10));
const SERVICE = 'bench-scrape';
const ROUTE = 'scrape';

const harness = createHarness('metrics-scrape', { keep: args.keep === true });
const { log } = harness;

async function main() {
  log(`metrics-scrape: ${machine()}; load average ${loadavg()}`);
  log(`${INSTANCES} upstream instances, ${SCRAPES} scrapes per case after ${WARMUP} to warm up`);
  const platform = await bootPlatform(harness, { idServices: 0 });
  const state = platform.state();
  const gateway = state.gatewayUrl;
  const adminHeaders = { authorization: `Bearer ${platform.adminToken}` };
  const agent = new Agent({ connections: 1, pipelining: 1 });
  harness.onCleanup(() => agent.close());

  const cases = [];
  const measure = async (name) => {
    await waitQuiet(log);
    const watch = watchDisturbance();
    for (let i = 0; i < WARMUP; i++) await scrape(gateway, agent);
    const times = [];
    let last;
    for (let i = 0; i < SCRAPES; i++) {
      last = await scrape(gateway, agent);
      times.push(last.ms);
    }
    const disturbance = watch.stop();
    times.sort((a, b) => a - b);
    const result = {
      name,
      series: last.series,
      bytes: last.bytes,
      p50: percentile(times, 0.5),
      p99: percentile(times, 0.99),
      mean: times.reduce((sum, t) => sum + t, 0) / times.length,
      disturbance,
    };
    cases.push(result);
    log(
      `${name}: ${result.series} series, ${(result.bytes / 1024).toFixed(1)} KiB, p50 ${result.p50.toFixed(2)} ms, ` +
        `p99 ${result.p99.toFixed(2)} ms; ${describeDisturbance(disturbance)}`,
    );
  };

  await measure('gateway alone (only itself registered)');

  log(`starting ${INSTANCES} upstream instances and announcing them in the registry`);
  const kafka = createKafka({
    brokers: state.infrastructure.kafka.brokers,
    clientId: 'bench-metrics-scrape',
    logger: createLogger({ service: SERVICE, instance: 'bench', level: 'warn' }),
  });
  const upstreams = [];
  for (let i = 1; i <= INSTANCES; i++) upstreams.push(await startUpstream(kafka, `${SERVICE}-${i}`));
  harness.onCleanup(() => Promise.all(upstreams.map((upstream) => upstream.stop())));
  await waitListed(gateway, adminHeaders, INSTANCES);
  await measure(`${INSTANCES} upstream instances registered, no request sent to them yet`);

  // Round robin, so that every instance gets requests (and its own breaker and load series).
  const policy = await fetch(`${gateway}/admin/routes/${ROUTE}`, {
    method: 'PUT',
    headers: { ...adminHeaders, 'content-type': 'application/json' },
    body: JSON.stringify({ upstream: { strategy: 'round-robin' } }),
  });
  if (!policy.ok) throw new Error(`PUT /admin/routes/${ROUTE}: ${policy.status} ${await policy.text()}`);
  for (let i = 0; i < INSTANCES * 4; i++) {
    const response = await request(`${gateway}/api/${ROUTE}/${i}`, { dispatcher: agent });
    await response.body.dump();
    if (response.statusCode !== 200) throw new Error(`GET /api/${ROUTE}/${i}: ${response.statusCode}`);
  }
  const served = new Set(upstreams.filter((upstream) => upstream.requests > 0).map((u) => u.instanceId));
  log(
    `sent ${INSTANCES * 4} requests through the gateway; ${served.size} of ${INSTANCES} instances answered some`,
  );
  await measure(`${INSTANCES} upstream instances, each sent requests`);

  const [base] = cases;
  printTable(
    `GET /metrics on the gateway (${SCRAPES} sequential scrapes per case, time to the last byte)`,
    ['case', 'series', 'KiB', 'p50 ms', 'p99 ms', 'mean ms', 'p50 vs alone', 'CPU share at 15 s scrapes'],
    cases.map((c) => [
      c.name,
      c.series,
      (c.bytes / 1024).toFixed(1),
      c.p50.toFixed(2),
      c.p99.toFixed(2),
      c.mean.toFixed(2),
      ratio(c.p50, base.p50),
      `${((c.mean / 15_000) * 100).toFixed(3)}%`,
    ]),
  );
  for (const c of cases) console.log(`${c.name}: ${describeDisturbance(c.disturbance)}`);
}

/** One GET /metrics: time to the last byte, bytes, and samples (lines that are not comments). */
async function scrape(gateway, agent) {
  const started = performance.now();
  const response = await request(`${gateway}/metrics`, { dispatcher: agent });
  const text = await response.body.text();
  const ms = performance.now() - started;
  if (response.statusCode !== 200) throw new Error(`GET /metrics: ${response.statusCode}`);
  const series = text.split('\n').filter((line) => line && !line.startsWith('#')).length;
  return { ms, bytes: Buffer.byteLength(text), series };
}

/** A node:http server answering every request, announced in the registry as one instance. */
async function startUpstream(kafka, instanceId) {
  let requests = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const announcer = new RegistryAnnouncer({
    kafka,
    topic: 'platform.registry',
    logger: createLogger({ service: SERVICE, instance: instanceId, level: 'warn' }),
    heartbeatIntervalMs: 3_000,
    instance: {
      service: SERVICE,
      instanceId,
      host: '127.0.0.1',
      port: server.address().port,
      version: '0.1.0',
      zone: 'local',
      metadata: { routes: ROUTE },
      ttlMs: 10_000,
    },
  });
  announcer.start();
  return {
    instanceId,
    get requests() {
      return requests;
    },
    async stop() {
      await announcer.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function waitListed(gateway, headers, count) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const listing = await (await fetch(`${gateway}/admin/registry`, { headers })).json();
    const listed = listing.services[SERVICE]?.length ?? 0;
    if (listed === count) return;
    if (Date.now() > deadline)
      throw new Error(`the gateway lists ${listed} of ${count} instances after 60 s`);
    await sleep(250);
  }
}

await harness.run(main);
