// An open-loop HTTP load generator: requests leave at a constant arrival rate, on a fixed schedule,
// whatever the answers do (no coordinated omission). Latency counts from each request's *scheduled*
// send time, so a generator or server that falls behind shows up as latency, not as fewer requests.
//
// - Request i is due at t0 + i / rate. A timer wakes for the next due request and sends every request
//   that is due by then.
// - A request fails if it has no complete answer within `timeoutMs` of its scheduled time (it is
//   aborted then). Success = a 2xx answer, body read, within the timeout.
// - Percentiles come from the sorted latencies of every request (nearest rank); a request that timed
//   out counts as +Infinity, so a percentile that lands on one prints as "timeout".
// - Self-checks: the run is INVALID if more than `maxLateShare` of the requests left more than
//   `maxSendLagMs` after their scheduled time, if the generator's own event-loop delay p99 exceeded
//   `maxLoopDelayP99Ms`, or if more requests were in flight than the connection pool holds (they
//   would queue inside the client).
// - The instance that answered each request (`x-served-by`) is recorded, for shares.
//
// `runOpenLoop(options)` runs in this process; `runOpenLoopInChild(options)` runs it in a child
// process of its own (fork, structured-clone IPC) at a higher OS priority (nice -10 when permitted),
// so neither the orchestrating script's work (starting processes, admin calls) nor the system under
// test on the same cores delays the schedule.
import { fork } from 'node:child_process';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { Agent, request } from 'undici';

export const DEFAULTS = Object.freeze({
  method: 'GET',
  timeoutMs: 1_000,
  connections: 2_048,
  maxSendLagMs: 5,
  maxLateShare: 0.01,
  maxLoopDelayP99Ms: 10,
  progressEveryMs: 5_000,
});

const TIMED_OUT = -1;
const LOOP_RESOLUTION_MS = 2;
/** Niceness of a generator child process (lower runs first). */
const GENERATOR_PRIORITY = -10;
const FAILED = 0;

/**
 * Runs the load. Options: url, method, headers, body, rate (requests/s), durationMs, warmupMs (same
 * rate before, not counted), startAtEpochMs (when the measured phase starts), timeoutMs, connections, keyHeader/keyCount (a random routing key per request, e.g. for consistent hashing),
 * maxSendLagMs, maxLateShare, maxLoopDelayP99Ms, onProgress({elapsedMs, sent, done, ok, inflight}),
 * onStart(epochMs) (when the measured phase's first request is due).
 * Resolves with the per-request record (typed arrays) and the validity verdict.
 */
export async function runOpenLoop(options) {
  const o = { ...DEFAULTS, ...options };
  if (!(o.rate > 0) || !(o.durationMs > 0)) throw new Error('rate and durationMs must be positive');
  const agent = new Agent({
    connections: o.connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 60_000,
    connect: { timeout: o.timeoutMs },
  });
  try {
    // Warm-up at the same rate (JIT, connection pool), not counted; the measured phase follows at once.
    if (o.warmupMs > 0) {
      const warmup = { ...o, durationMs: o.warmupMs, onProgress: undefined, onStart: undefined };
      await phase({ ...warmup, startAtEpochMs: undefined }, agent);
    }
    return await phase(o, agent);
  } finally {
    await agent.close().catch(() => undefined);
  }
}

async function phase(o, agent) {
  const n = Math.floor((o.rate * o.durationMs) / 1000);
  const intervalMs = 1000 / o.rate;
  const url = new URL(o.url);
  const origin = url.origin;
  const path = url.pathname + url.search;

  const scheduledMs = new Float64Array(n);
  const sendLagMs = new Float64Array(n);
  const latencyMs = new Float64Array(n).fill(Number.NaN);
  const status = new Int16Array(n);
  const servedBy = new Int16Array(n).fill(-1);
  const servers = [];
  const serverIndex = new Map();
  const errors = new Map();

  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  const cpuBefore = process.cpuUsage();
  let inflight = 0;
  let maxInflight = 0;
  let done = 0;
  let ok = 0;
  let next = 0;
  let allDone;
  const finished = new Promise((resolve) => (allDone = resolve));

  // Start at the given wall-clock time (so a caller can schedule events against the run), else now.
  const t0 =
    performance.now() + (o.startAtEpochMs !== undefined ? Math.max(20, o.startAtEpochMs - Date.now()) : 20);
  const startedAtEpochMs = Date.now() + (t0 - performance.now());
  o.onStart?.(startedAtEpochMs);

  const complete = (i, code, servedHeader) => {
    const now = performance.now();
    status[i] = code;
    if (code !== TIMED_OUT) latencyMs[i] = now - (t0 + scheduledMs[i]);
    if (code >= 200 && code < 300 && latencyMs[i] <= o.timeoutMs) ok++;
    if (servedHeader) {
      let index = serverIndex.get(servedHeader);
      if (index === undefined) {
        index = servers.length;
        servers.push(servedHeader);
        serverIndex.set(servedHeader, index);
      }
      servedBy[i] = index;
    }
    inflight--;
    done++;
    if (done === n) allDone();
  };

  const fire = (i) => {
    const due = t0 + scheduledMs[i];
    sendLagMs[i] = performance.now() - due;
    inflight++;
    if (inflight > maxInflight) maxInflight = inflight;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), Math.max(0, due + o.timeoutMs - performance.now()));
    const headers = o.keyHeader
      ? { ...o.headers, [o.keyHeader]: `k${Math.floor(Math.random() * (o.keyCount ?? 10_000))}` }
      : o.headers;
    request(origin + path, {
      dispatcher: agent,
      method: o.method,
      headers,
      body: o.body,
      signal: abort.signal,
    })
      .then(async (response) => {
        await response.body.dump({ limit: 1 << 20 });
        clearTimeout(timer);
        const served = response.headers['x-served-by'];
        complete(i, response.statusCode, Array.isArray(served) ? served[0] : served);
      })
      .catch((error) => {
        clearTimeout(timer);
        const name = abort.signal.aborted ? 'timeout' : (error?.code ?? error?.name ?? 'error');
        errors.set(name, (errors.get(name) ?? 0) + 1);
        complete(i, abort.signal.aborted ? TIMED_OUT : FAILED, undefined);
      });
  };

  for (let i = 0; i < n; i++) scheduledMs[i] = i * intervalMs;

  const tick = () => {
    const now = performance.now();
    while (next < n && t0 + scheduledMs[next] <= now) fire(next++);
    if (next < n) setTimeout(tick, Math.max(0, t0 + scheduledMs[next] - performance.now()));
  };
  setTimeout(tick, Math.max(0, t0 - performance.now()));

  const progress = o.onProgress
    ? setInterval(
        () => o.onProgress({ elapsedMs: performance.now() - t0, sent: next, done, ok, inflight, n }),
        o.progressEveryMs,
      )
    : undefined;
  await finished;
  clearInterval(progress);
  loop.disable();
  const cpu = process.cpuUsage(cpuBefore);

  let late = 0;
  let maxLag = 0;
  for (let i = 0; i < n; i++) {
    if (sendLagMs[i] > o.maxSendLagMs) late++;
    if (sendLagMs[i] > maxLag) maxLag = sendLagMs[i];
  }
  // The histogram holds whole timer intervals; the delay is what exceeds the resolution.
  const beyond = (ns) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
  const loopDelay = {
    p50Ms: beyond(loop.percentile(50)),
    p99Ms: beyond(loop.percentile(99)),
    maxMs: beyond(loop.max),
  };
  const lateShare = late / n;
  const reasons = [];
  if (lateShare > o.maxLateShare)
    reasons.push(
      `${pct(lateShare)} of requests left > ${o.maxSendLagMs} ms late (limit ${pct(o.maxLateShare)})`,
    );
  if (loopDelay.p99Ms > o.maxLoopDelayP99Ms)
    reasons.push(
      `generator event-loop delay p99 ${loopDelay.p99Ms.toFixed(1)} ms > ${o.maxLoopDelayP99Ms} ms`,
    );
  if (maxInflight > o.connections)
    reasons.push(`${maxInflight} requests in flight > ${o.connections} connections (client-side queueing)`);
  const wallMs = performance.now() - t0;
  return {
    url: o.url,
    rate: o.rate,
    durationMs: o.durationMs,
    timeoutMs: o.timeoutMs,
    n,
    startedAtEpochMs,
    scheduledMs,
    sendLagMs,
    latencyMs,
    status,
    servedBy,
    servers,
    errors: Object.fromEntries(errors),
    maxInflight,
    loopDelay,
    cpuShare: (cpu.user + cpu.system) / 1000 / wallMs,
    lateShare,
    maxSendLagMs: maxLag,
    valid: reasons.length === 0,
    reasons,
  };
}

/** The same, in a child process of its own; `onProgress` still works. */
export function runOpenLoopInChild(options) {
  const { onProgress, onStart, ...rest } = options;
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child'], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result;
    child.on('message', (message) => {
      if (message.type === 'progress') onProgress?.(message.progress);
      else if (message.type === 'start') onStart?.(message.epochMs);
      else if (message.type === 'result') result = message.result;
      else if (message.type === 'error') reject(new Error(message.message));
    });
    child.once('exit', (code) => {
      activeChildren.delete(child);
      if (result) resolve(result);
      else reject(new Error(`the load generator exited with code ${code} before reporting`));
    });
    activeChildren.add(child);
    // Scheduled first by the OS (as root): on a machine shared with the system under test, the
    // generator must not be the one that falls behind.
    try {
      os.setPriority(child.pid, GENERATOR_PRIORITY);
    } catch {
      // not permitted: the validity checks still tell
    }
    child.send({ type: 'run', options: { ...rest, progress: onProgress !== undefined } });
  });
}

const activeChildren = new Set();
/** Kills generator children still running (for Ctrl-C). */
export function killGenerators() {
  for (const child of activeChildren) child.kill('SIGKILL');
}

/**
 * Latency percentiles, success and shares over the requests scheduled in [fromMs, toMs) of the run
 * (ms from its start). Returns { count, p50, p95, p99, p999, max, success, timeouts, failed, shares }.
 */
export function summarize(result, { fromMs = 0, toMs = Infinity } = {}) {
  const latencies = [];
  let success = 0;
  let timeouts = 0;
  let failed = 0;
  const served = new Map();
  let servedTotal = 0;
  for (let i = 0; i < result.n; i++) {
    const t = result.scheduledMs[i];
    if (t < fromMs || t >= toMs) continue;
    const code = result.status[i];
    const latency = code === TIMED_OUT ? Infinity : result.latencyMs[i];
    latencies.push(latency);
    if (code === TIMED_OUT) timeouts++;
    else if (code >= 200 && code < 300 && latency <= result.timeoutMs) success++;
    else failed++;
    if (result.servedBy[i] >= 0) {
      const name = result.servers[result.servedBy[i]];
      served.set(name, (served.get(name) ?? 0) + 1);
      servedTotal++;
    }
  }
  latencies.sort((a, b) => a - b);
  const count = latencies.length;
  const shares = Object.fromEntries(
    [...served.entries()].sort().map(([name, c]) => [name, servedTotal ? c / servedTotal : 0]),
  );
  return {
    count,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    p99: percentile(latencies, 0.99),
    p999: percentile(latencies, 0.999),
    max: count ? latencies[count - 1] : Number.NaN,
    success: count ? success / count : Number.NaN,
    timeouts,
    failed,
    shares,
  };
}

/** The middle value (the lower middle of an even count) of unsorted numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** A verdict line for a run: VALID, or INVALID and why, with the generator's own figures. */
export function validityLine(result) {
  const figures =
    `send lag > limit: ${pct(result.lateShare)}, max lag ${result.maxSendLagMs.toFixed(1)} ms, ` +
    `loop delay p99 ${result.loopDelay.p99Ms.toFixed(1)} ms, max in flight ${result.maxInflight}, ` +
    `generator CPU ${pct(result.cpuShare)}`;
  return result.valid ? `VALID (${figures})` : `INVALID: ${result.reasons.join('; ')} (${figures})`;
}

export function pct(share, digits = 1) {
  return Number.isNaN(share) ? 'n/a' : `${(share * 100).toFixed(digits)}%`;
}

/** A latency in ms for a table: "timeout" for +Infinity. */
export function ms(value, digits = 1) {
  if (value === Infinity) return 'timeout';
  if (Number.isNaN(value) || value === undefined) return 'n/a';
  return value >= 100 ? value.toFixed(0) : value.toFixed(digits);
}

if (process.argv[2] === '--child' && process.send) {
  process.on('message', (message) => {
    if (message.type !== 'run') return;
    const { progress, ...options } = message.options;
    runOpenLoop({
      ...options,
      onProgress: progress ? (p) => process.send({ type: 'progress', progress: p }) : undefined,
      onStart: (epochMs) => process.send({ type: 'start', epochMs }),
    })
      .then((result) => process.send({ type: 'result', result }, () => process.exit(0)))
      .catch((error) =>
        process.send({ type: 'error', message: String(error?.stack ?? error) }, () => process.exit(1)),
      );
  });
  // The parent went away (Ctrl-C, crash): stop at once.
  process.on('disconnect', () => process.exit(0));
}
