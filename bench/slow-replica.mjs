// Slow-replica experiment (Linkerd, "Beyond round robin", 2016): six id-service instances behind the
// gateway, constant-arrival-rate load, one instance turns 2 s slow for half of the run. For each
// load-balancing strategy: latency percentiles and success within a 1 s timeout, against the same
// strategy's no-fault baseline measured in the same run.
//
// The real platform runs here: PostgreSQL and a Kafka broker on free ports in a temp directory, six
// id-service processes (FAULTS_ENABLED=true) and one gateway, started by the runner's Platform class
// (tools/runner) exactly as `npm start` starts them. Load: POST /api/ids/snowflake through the gateway
// from the open-loop generator (bench/lib/open-loop.mjs) in a process of its own.
//
// Per strategy: set it with PUT /admin/routes/ids (timeouts.perTryMs = 900, below the client's 1 s, so
// the gateway's own timeout fires first and a retry on another instance can still answer in time;
// the rest of the route policy as default), wait until no instance is ejected or has an open breaker, warm up, run a
// no-fault baseline, then a fault run during which one instance (a different one per strategy) is
// made 2 s slow with PUT /admin/faults on that instance, from 25% to 75% of the run. Each strategy
// after the first gets a freshly started gateway process (same port and environment), so no state
// from the previous strategy's run (measured load, ejections, breakers, in-flight counts) carries over.
//
//   npx turbo run build --output-logs=errors-only && node bench/slow-replica.mjs
//   node bench/slow-replica.mjs --quick                     # a short smoke run (~3 min)
//   node bench/slow-replica.mjs --pickers-only   # the picker alone, as in Linkerd's test: no retries,
//                                                # no outlier ejection, no instance breakers
//   node bench/slow-replica.mjs --rate 250 --strategies round-robin,peak-ewma --per-try-ms 1000 --keep

import { STRATEGIES } from '@platform/balancing';

import { createHarness, loadavg, machine, parseArgs, sleep } from './lib/harness.mjs';
import { bootPlatform } from './lib/platform.mjs';
import { startService, waitForOk } from './lib/processes.mjs';
import { describeDisturbance, waitQuiet, watchDisturbance } from './lib/quiet.mjs';
import { ms, pct, runOpenLoopInChild, summarize, validityLine } from './lib/open-loop.mjs';
import { printTable, ratio } from './lib/table.mjs';

const args = parseArgs();
const QUICK = args.quick === true;
const RATE = Number(args.rate ?? 150);
const INSTANCES = Number(args.instances ?? 6);
const PER_TRY_MS = Number(args['per-try-ms'] ?? 900);
const TIMEOUT_MS = 1000;
const SLOW_MS = 2000;
const WARMUP_MS = Number(args['warmup-s'] ?? (QUICK ? 3 : 5)) * 1000;
const BASELINE_MS = Number(args['baseline-s'] ?? (QUICK ? 8 : 20)) * 1000;
const FAULT_RUN_MS = Number(args['fault-s'] ?? (QUICK ? 20 : 60)) * 1000;
const FAULT_FROM_MS = FAULT_RUN_MS / 4;
const FAULT_TO_MS = (FAULT_RUN_MS * 3) / 4;
const PICKERS_ONLY = args['pickers-only'] === true;
/** Measure a strategy again (up to this many times) if its run was INVALID or another test run used the machine. */
const ATTEMPTS = Number(args.attempts ?? (QUICK ? 1 : 3));
const HASH_HEADER = 'x-bench-key';
const strategies = args.strategies ? String(args.strategies).split(',') : [...STRATEGIES];
for (const s of strategies) if (!STRATEGIES.includes(s)) throw new Error(`unknown strategy ${s}`);

const harness = createHarness('slow-replica', { keep: args.keep === true });
const { log } = harness;

async function main() {
  log(`slow-replica: ${machine()}; load average ${loadavg()}`);
  log(
    `${INSTANCES} id-service instances, ${RATE} requests/s open loop, client timeout ${TIMEOUT_MS} ms, ` +
      `per-try timeout ${PER_TRY_MS} ms, baseline ${BASELINE_MS / 1000} s, fault run ${FAULT_RUN_MS / 1000} s ` +
      `(one instance ${SLOW_MS} ms slow from ${FAULT_FROM_MS / 1000} s to ${FAULT_TO_MS / 1000} s)` +
      (PICKERS_ONLY ? '; retries, outlier ejection and instance breakers OFF (the picker alone)' : ''),
  );
  // (The runner reports every exit of a single instance as unexpected, even one it was asked to
  // stop; the gateway restarts below are expected.)
  const platform = await bootPlatform(harness, {
    idServices: INSTANCES,
    serviceEnv: { FAULTS_ENABLED: 'true' },
    exitExpected: (id) => id === 'gateway-1' && currentGateway !== undefined,
  });
  const state = platform.state();
  const gateway = state.gatewayUrl;
  const ids = state.instances.filter((i) => i.service === 'id-service');
  const admin = async (url, method = 'GET', body) => {
    const headers = { authorization: `Bearer ${platform.adminToken}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url, { method, headers, body: body && JSON.stringify(body) });
    if (!response.ok && response.status !== 204)
      throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? undefined : response.json();
  };
  await waitUntil('the gateway routes /api/ids to all instances', async () => {
    const registry = await admin(`${gateway}/admin/registry`);
    return (registry.services['id-service'] ?? []).length === INSTANCES;
  });
  log(`platform up: gateway ${gateway}, ${ids.map((i) => `${i.instanceId}@${i.port}`).join(', ')}`);

  const results = [];
  const context = { platform, state, gateway, admin, slow: ids[2 % ids.length] };
  for (const [index, strategy] of strategies.entries()) {
    for (let attempt = 1; attempt <= ATTEMPTS && !harness.interrupted; attempt++) {
      await waitQuiet(log);
      // A fresh gateway process per strategy (and per repeat): nothing a previous run left in the
      // gateway (measured load, ejections, breakers, in-flight counts) can bias this one.
      if (index > 0 || attempt > 1) await restartGateway(context);
      const watch = watchDisturbance();
      const result = await measure(strategy, context);
      result.disturbance = watch.stop();
      result.disturbed = result.disturbance.disturbed;
      log(`${strategy}: ${describeDisturbance(result.disturbance)}`);
      result.attempt = attempt;
      const ok = result.baseline.valid && result.run.valid && !result.disturbed;
      if (ok || attempt === ATTEMPTS) {
        results.push(result);
        break;
      }
      log(
        `${strategy}: ${result.disturbed ? 'other processes used the machine meanwhile' : 'the generator called the run INVALID'}; ` +
          `measuring again (${attempt + 1}/${ATTEMPTS})`,
      );
    }
    if (harness.interrupted) return;
  }
  report(results);
}

/** One strategy: policy, warm-up, no-fault baseline, then the fault run. */
async function measure(strategy, { gateway, admin, slow }) {
  const patch = {
    upstream: {
      strategy,
      timeouts: { perTryMs: PER_TRY_MS, totalMs: 10_000 },
      ...(strategy === 'consistent-hash' ? { hashHeader: HASH_HEADER } : {}),
      ...(PICKERS_ONLY ? { outlier: { consecutiveFailures: 1000 }, retries: { maxAttempts: 1 } } : {}),
    },
    ...(PICKERS_ONLY ? { instanceBreaker: { errorThresholdPercentage: 100 } } : {}),
  };
  await admin(`${gateway}/admin/routes/ids`, 'PUT', patch);
  await waitAllClear(admin, gateway);
  const load = {
    url: `${gateway}/api/ids/snowflake`,
    method: 'POST',
    rate: RATE,
    timeoutMs: TIMEOUT_MS,
    ...(strategy === 'consistent-hash' ? { keyHeader: HASH_HEADER, keyCount: 10_000 } : {}),
  };
  const inflight = async () => {
    const upstreams = await admin(`${gateway}/admin/upstreams`);
    return upstreams.services['id-service'].instances;
  };

  log(`${strategy}: warm-up ${WARMUP_MS / 1000} s + baseline ${BASELINE_MS / 1000} s`);
  const baseline = await runOpenLoopInChild({
    ...load,
    warmupMs: WARMUP_MS,
    durationMs: BASELINE_MS,
    onProgress: progress(`${strategy} baseline`, BASELINE_MS),
  });
  log(`${strategy} baseline: ${validityLine(baseline)}`);
  const leakedBaseline = (await inflight()).reduce((sum, i) => sum + i.inflight, 0);
  if (leakedBaseline > 0)
    log(`!! ${strategy}: ${leakedBaseline} request(s) counted in flight after the baseline`);

  log(
    `${strategy}: fault run ${FAULT_RUN_MS / 1000} s, ${slow.instanceId} slow from ${FAULT_FROM_MS / 1000} s`,
  );
  const faults = `${slow.url}/admin/faults`;
  const timers = [];
  const events = {};
  let upstreamsAtFault;
  let upstreamsAfterFault;
  const at = (startedAt, offsetMs, what, action) =>
    timers.push(
      setTimeout(
        () =>
          void action().catch((error) => log(`!! could not ${what} on ${slow.instanceId}: ${error.message}`)),
        Math.max(0, startedAt + offsetMs - Date.now()),
      ),
    );
  const run = await runOpenLoopInChild({
    ...load,
    durationMs: FAULT_RUN_MS,
    onProgress: progress(`${strategy} fault run`, FAULT_RUN_MS),
    onStart: (startedAt) => {
      at(startedAt, FAULT_FROM_MS, 'inject the fault', async () => {
        upstreamsAtFault = await admin(`${gateway}/admin/upstreams`);
        await admin(faults, 'PUT', { latency: { distribution: 'fixed', ms: SLOW_MS } });
        events.on = Date.now() - startedAt;
        log(
          `${strategy}: ${slow.instanceId} is now ${SLOW_MS} ms slow (t = ${(events.on / 1000).toFixed(2)} s)`,
        );
      });
      at(startedAt, FAULT_TO_MS, 'clear the fault', async () => {
        await admin(faults, 'DELETE');
        events.off = Date.now() - startedAt;
        upstreamsAfterFault = await admin(`${gateway}/admin/upstreams`);
        log(`${strategy}: ${slow.instanceId} is fast again (t = ${(events.off / 1000).toFixed(2)} s)`);
      });
    },
  });
  timers.forEach(clearTimeout);
  await admin(faults, 'DELETE'); // whatever happened, the instance is fast again
  log(`${strategy} fault run: ${validityLine(run)}`);
  const attempts = attemptShare(upstreamsAtFault, upstreamsAfterFault, slow.instanceId);
  // With no load, nothing should be in flight: what the gateway still counts there leaked.
  await sleep(1_500);
  const idle = await inflight();
  const leaked = idle.reduce((sum, i) => sum + i.inflight, 0);
  if (leaked > 0)
    log(
      `!! ${strategy}: the gateway still counts ${leaked} request(s) in flight with no load: ` +
        idle.map((i) => `${i.instanceId} ${i.inflight}`).join(', '),
    );
  return { strategy, slow: slow.instanceId, baseline, run, events, attempts, leaked };
}

function report(results) {
  const title = PICKERS_ONLY
    ? ' (the picker alone: no retries, no outlier ejection, no instance breakers)'
    : '';
  const rows = results.map(({ strategy, baseline, run, slow, attempts, leaked, disturbed, disturbance }) => {
    const b = summarize(baseline);
    const f = summarize(run);
    const w = summarize(run, { fromMs: FAULT_FROM_MS, toMs: FAULT_TO_MS });
    return [
      strategy,
      ms(b.p99),
      ms(f.p50),
      ms(f.p95),
      ms(f.p99),
      ms(f.p999),
      ratio(f.p99, b.p99),
      pct(f.success, 2),
      pct(w.success, 2),
      pct(w.shares[slow] ?? 0),
      attempts,
      leaked,
      baseline.valid && run.valid ? 'VALID' : 'INVALID',
      disturbance ? `${disturbance.othersCores.toFixed(2)}${disturbed ? ' (disturbed)' : ''}` : 'n/a',
    ];
  });
  printTable(
    `Slow replica${title}: ${INSTANCES} instances, ${RATE} req/s, one instance ${SLOW_MS} ms slow for ` +
      `${(FAULT_TO_MS - FAULT_FROM_MS) / 1000} s of ${FAULT_RUN_MS / 1000} s; latency in ms from the scheduled send ` +
      `time; success = 2xx within ${TIMEOUT_MS} ms. Reference: each strategy's own no-fault baseline ` +
      `(${BASELINE_MS / 1000} s, same run). Fair share of one instance: ${pct(1 / INSTANCES)}.`,
    [
      'strategy',
      'baseline p99',
      'fault p50',
      'fault p95',
      'fault p99',
      'fault p99.9',
      'p99 fault/baseline',
      'success (whole run)',
      'success (slow window)',
      'slow share (answered)',
      'slow share (attempts)',
      'in flight after (leak)',
      'generator',
      'other processes (cores)',
    ],
    rows,
  );
  const reference = results.find((r) => r.strategy === 'round-robin');
  if (reference) {
    const rr = summarize(reference.run);
    printTable(
      'Against round robin in the same run (fault run, whole 60 s)',
      ['strategy', 'p99 vs round robin', 'p99.9 vs round robin', 'failed requests vs round robin'],
      results.map(({ strategy, run }) => {
        const f = summarize(run);
        const failed = f.count * (1 - f.success);
        const rrFailed = rr.count * (1 - rr.success);
        return [
          strategy,
          ratio(f.p99, rr.p99),
          ratio(f.p999, rr.p999),
          rrFailed > 0 ? ratio(failed, rrFailed) : failed === 0 ? '0 / 0' : 'n/a',
        ];
      }),
    );
  }
  const ewma = results.find((r) => r.strategy === 'peak-ewma');
  if (ewma) {
    const b = summarize(ewma.baseline);
    const f = summarize(ewma.run);
    const within = Number.isFinite(b.p99) && f.p99 <= 1.5 * b.p99;
    const success = f.success >= 0.999;
    console.log(
      `Goal (peak EWMA): fault p99 ≤ 1.5 × baseline p99: ${ms(f.p99)} vs ${ms(1.5 * b.p99)} ms → ${within ? 'MET' : 'NOT MET'}; ` +
        `success ≥ 99.9%: ${pct(f.success, 2)} → ${success ? 'MET' : 'NOT MET'}` +
        (ewma.baseline.valid && ewma.run.valid ? '' : ' (generator INVALID: do not trust these figures)'),
    );
  }
  for (const r of results) {
    const invalid = [r.baseline, r.run].filter((x) => !x.valid);
    if (invalid.length) console.log(`${r.strategy}: ${invalid.map(validityLine).join(' / ')}`);
    const errors = { ...r.run.errors };
    const codes = {};
    for (let i = 0; i < r.run.n; i++)
      if (r.run.status[i] >= 300) codes[r.run.status[i]] = (codes[r.run.status[i]] ?? 0) + 1;
    if (Object.keys(errors).length || Object.keys(codes).length)
      console.log(
        `${r.strategy}: fault run failures ${JSON.stringify({ ...errors, ...codes })}; fault on/off at ${fmtEvents(r.events)}`,
      );
  }
  console.log(
    '\nLinkerd 2016 ran 11 backends at 1000 req/s on more hardware, one backend stuck at 2 s for 30 s of 60 s; success within 1 s ' +
      'was about 95% (round robin), 99% (least loaded), 99.9% (peak EWMA). Here everything (Kafka, PostgreSQL, ' +
      `${INSTANCES} instances, the gateway and the generator) shares 2 cores, hence ${RATE} req/s.`,
  );
}

function fmtEvents(events) {
  return `${((events.on ?? NaN) / 1000).toFixed(2)} s / ${((events.off ?? NaN) / 1000).toFixed(2)} s`;
}

/** Share of the gateway's attempts that went to the slow instance while it was slow (retries included). */
function attemptShare(before, after, slowId) {
  if (!before || !after) return 'n/a';
  const counts = (snapshot) =>
    Object.fromEntries(snapshot.services['id-service'].instances.map((i) => [i.instanceId, i.requests]));
  const a = counts(before);
  const b = counts(after);
  let total = 0;
  for (const id of Object.keys(b)) total += b[id] - (a[id] ?? 0);
  return total > 0 ? pct((b[slowId] - (a[slowId] ?? 0)) / total) : 'n/a';
}

/** Waits until no id-service instance is ejected or has an open or half-open breaker (after a fault run). */
/** Stops the running gateway and starts a new process in its place (same port, same environment). */
async function restartGateway({ platform, state, gateway, admin }) {
  if (!currentGateway) {
    const original = platform.instances.find((i) => i.service === 'gateway');
    currentGateway = { env: original.options.env, stop: () => original.stop() };
  }
  await currentGateway.stop();
  const instanceId = `gateway-${++gatewayGeneration}`;
  const env = { ...currentGateway.env, INSTANCE_ID: instanceId };
  const proc = startService(harness, { service: 'gateway', instanceId, port: Number(env.PORT), env });
  currentGateway = { env, stop: () => proc.stop() };
  await waitForOk(`${state.gatewayUrl}/health/ready`, { process: proc, everyMs: 100 });
  await waitUntil('the new gateway sees all instances', async () => {
    const registry = await admin(`${gateway}/admin/registry`);
    return (registry.services['id-service'] ?? []).length === INSTANCES;
  });
  log(`started a fresh gateway process (${instanceId}, pid ${proc.pid})`);
}
let currentGateway;
let gatewayGeneration = 1;

async function waitAllClear(admin, gateway) {
  const started = Date.now();
  for (;;) {
    const upstreams = await admin(`${gateway}/admin/upstreams`);
    const troubled = (upstreams.services['id-service']?.instances ?? []).filter(
      (i) => i.ejected || i.breaker !== 'closed' || !i.healthy,
    );
    if (troubled.length === 0) return;
    if (Date.now() - started > 60_000) {
      log(
        `still not clear after 60 s: ${troubled.map((i) => `${i.instanceId} ${i.breaker}`).join(', ')}; going on`,
      );
      return;
    }
    if (Date.now() - started < 600)
      log(`waiting for ${troubled.map((i) => i.instanceId).join(', ')} to be back (ejected or breaker open)`);
    await sleep(500);
  }
}

async function waitUntil(what, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(200);
  }
  throw new Error(`timed out waiting until ${what}`);
}

function progress(label, durationMs) {
  return ({ elapsedMs, sent, ok, inflight }) =>
    log(
      `  ${label}: ${(Math.min(durationMs, elapsedMs) / 1000) | 0}/${durationMs / 1000} s, sent ${sent}, ` +
        `ok ${ok}, in flight ${inflight}`,
    );
}

await harness.run(main);
