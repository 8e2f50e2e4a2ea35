/**
 * A worker thread of the load generator: its own event loop, undici pool and share of the load.
 * It waits for `start`, sends its part, reports once a second and finally its self-watch summary.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

import { RequestMix } from '../scenario/request-mix.js';
import { ClosedSender } from './closed-sender.js';
import { OpenSender } from './open-sender.js';
import { type FromWorker, type ToWorker, type WindowSummary, type WorkerPlan } from './protocol.js';
import { SelfWatch } from './self-watch.js';
import { type Sender } from './sender.js';
import { TargetClient } from './target-client.js';
import { WorkerStats } from './worker-stats.js';

if (!parentPort) throw new Error('worker-main.js runs as a worker thread of the load generator');
const port = parentPort;
const plan = workerData as WorkerPlan;
const post = (message: FromWorker) => port.postMessage(message);

// On Linux a nice value is per thread: this raises (or lowers) this worker's priority only.
let niceRefused = false;
if (plan.nice !== undefined) {
  try {
    os.setPriority(plan.nice);
  } catch {
    niceRefused = true;
  }
}

const watch = new SelfWatch();
const stats = new WorkerStats(plan.scenario.requests.length);
const mix = new RequestMix(plan.scenario, plan.target);
const client = new TargetClient(plan.target, plan.connections, plan.timeoutMs);
let sender: Sender | undefined;
let stopRequested = false;

port.on('message', (message: ToWorker) => {
  if (message.type === 'start') {
    run(message.startAtEpochMs).catch((error: unknown) =>
      post({ type: 'failed', message: (error as Error)?.stack ?? String(error) }),
    );
  } else {
    stopRequested = true;
    sender?.stop();
  }
});
post({ type: 'ready' });

async function run(startAtEpochMs: number): Promise<void> {
  // The start is wall-clock time (timeOrigin + now), the same clock on every thread.
  const t0 = startAtEpochMs - performance.timeOrigin;
  const context = { plan, t0, client, mix, stats };
  sender = plan.model === 'open' ? new OpenSender(context) : new ClosedSender(context);
  if (stopRequested) sender.stop();

  const timers: NodeJS.Timeout[] = [];
  const at = (time: number, fn: () => void) =>
    timers.push(setTimeout(fn, Math.max(0, time - performance.now())));
  let second = 0;
  let summary: WindowSummary | undefined;
  const windowSummary = (stopped: boolean): WindowSummary => ({
    worker: plan.index,
    ...watch.window(),
    cpuSource: watch.cpuSource,
    sentInWindow: sender?.sentInWindow ?? 0,
    stopped,
    nice: os.getPriority(),
    niceRefused,
  });
  const report = () => {
    second++;
    post({
      type: 'interval',
      report: stats.take(plan.index, second, watch.interval().cpu, sender?.inflight ?? 0),
    });
  };
  const everySecond = () => {
    report();
    at(t0 + (second + 1) * 1000, everySecond);
  };
  at(t0, () => watch.startWindow());
  at(t0 + 1000, everySecond);
  at(t0 + plan.durationMs, () => (summary = windowSummary(false)));

  await sender.run();
  // Everything may be answered before the measured phase is over (the last request is due just
  // before its end): the self-watch still covers the whole phase.
  if (!stopRequested) await new Promise<void>((resolve) => at(t0 + plan.durationMs + 1, resolve));

  for (const timer of timers) clearTimeout(timer);
  summary ??= windowSummary(true);
  if (performance.now() >= t0) report();
  post({ type: 'done', summary });
  watch.stop();
  await client.close();
}
