// Ids per second over HTTP: `POST /ids/snowflake?count=1000` straight to one id-service instance,
// and the same through the gateway (`POST /api/ids/snowflake?count=1000`), against the same
// instance in the same run. Closed loop: CONNECTIONS requests in flight at all times (undici,
// keep-alive), ROUNDS rounds of SECONDS per target, interleaved (direct, gateway, direct, …) after a
// warm-up, median round. Reference: one worker's layout limit, 4,096 ids per ms (4.096 M/s).
//
// The platform is started as `npm start` starts it (the runner's Platform class): PostgreSQL and a
// Kafka broker on free ports in a temp directory, one id-service process and one gateway, every
// service at LOG_LEVEL=warn, the gateway with RATE_LIMIT_PER_SECOND=0.
//
//   npx turbo run build --output-logs=errors-only && node bench/ids/http-rate.mjs
//   node bench/ids/http-rate.mjs --quick       # 2 rounds of 3 s
//   flags: --rounds 3 --seconds 10 --connections 8 --count 1000 --keep

import { performance } from 'node:perf_hooks';

import { Agent, request } from 'undici';

import { createHarness, loadavg, machine, parseArgs } from '../lib/harness.mjs';
import { percentile } from '../lib/open-loop.mjs';
import { bootPlatform } from '../lib/platform.mjs';
import { describeDisturbance, watchDisturbance } from '../lib/quiet.mjs';
import { printTable, ratio } from '../lib/table.mjs';

const args = parseArgs();
const QUICK = args.quick === true;
const ROUNDS = Number(args.rounds ?? (QUICK ? 2 : 3));
const SECONDS = Number(args.seconds ?? (QUICK ? 3 : 10));
const CONNECTIONS = Number(args.connections ?? 8);
const COUNT = Number(args.count ?? 1000);
const LAYOUT_LIMIT = 4_096_000;

const harness = createHarness('ids-http-rate', { keep: args.keep === true });
const { log } = harness;

/** CONNECTIONS loops of `POST url` for `seconds`: ids/s, requests/s, latency percentiles, errors. */
async function closedLoop(url, seconds) {
  const agent = new Agent({ connections: CONNECTIONS, pipelining: 1, keepAliveTimeout: 60_000 });
  const latencies = [];
  let ids = 0;
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const begin = performance.now();
  const loop = async () => {
    while (performance.now() < end) {
      const sent = performance.now();
      try {
        const response = await request(url, { method: 'POST', dispatcher: agent });
        const body = await response.body.json();
        if (response.statusCode !== 200) throw new Error(`${response.statusCode}`);
        ids += body.ids.length;
        latencies.push(performance.now() - sent);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  const elapsed = (performance.now() - begin) / 1000;
  await agent.close();
  latencies.sort((a, b) => a - b);
  return {
    idsPerSecond: ids / elapsed,
    requestsPerSecond: latencies.length / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    errors,
  };
}

async function main() {
  log(`http-rate: ${machine()}; load average ${loadavg()}`);
  const platform = await bootPlatform(harness, { idServices: 1 });
  const state = platform.state();
  const instance = state.instances.find((i) => i.service === 'id-service');
  const targets = [
    { name: 'direct to id-service', url: `${instance.url}/ids/snowflake?count=${COUNT}` },
    { name: 'through the gateway', url: `${state.gatewayUrl}/api/ids/snowflake?count=${COUNT}` },
  ];
  // The gateway learns of the instance from the registry: wait until it routes.
  for (let i = 0; ; i++) {
    const response = await fetch(targets[1].url, { method: 'POST' });
    await response.arrayBuffer();
    if (response.ok) break;
    if (i > 300) throw new Error(`the gateway still answers ${response.status} to ${targets[1].url}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  log(`${CONNECTIONS} connections, count=${COUNT}, ${ROUNDS} rounds × ${SECONDS} s per target, interleaved`);
  for (const target of targets) await closedLoop(target.url, QUICK ? 1 : 3); // warm-up

  const runs = new Map(targets.map((t) => [t.name, []]));
  const disturbance = watchDisturbance();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const target of targets) {
      const result = await closedLoop(target.url, SECONDS);
      runs.get(target.name).push(result);
      log(
        `round ${round}, ${target.name}: ${(result.idsPerSecond / 1e6).toFixed(3)} M ids/s, ` +
          `${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50.toFixed(1)} ms, errors ${result.errors}`,
      );
    }
  }
  const seen = disturbance.stop();
  const median = (target) => {
    const sorted = [...runs.get(target.name)].sort((a, b) => a.idsPerSecond - b.idsPerSecond);
    return sorted[Math.floor(sorted.length / 2)];
  };
  const direct = median(targets[0]);
  printTable(
    `POST /ids/snowflake?count=${COUNT}, one id-service instance, ${CONNECTIONS} connections, median of ${ROUNDS} × ${SECONDS} s`,
    [
      'path',
      'ids/s',
      'requests/s',
      'p50 ms',
      'p99 ms',
      'errors',
      'vs direct',
      'share of one worker’s 4.096 M/s',
    ],
    targets.map((target) => {
      const r = median(target);
      return [
        target.name,
        Math.round(r.idsPerSecond).toLocaleString('en'),
        r.requestsPerSecond.toFixed(0),
        r.p50.toFixed(1),
        r.p99.toFixed(1),
        String(r.errors),
        ratio(r.idsPerSecond, direct.idsPerSecond),
        `${((r.idsPerSecond / LAYOUT_LIMIT) * 100).toFixed(1)}%`,
      ];
    }),
  );
  log(describeDisturbance(seen));
}

await harness.run(main);
