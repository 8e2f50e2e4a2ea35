import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

import { type FromWorker, type ToWorker, type WindowSummary, type WorkerPlan } from '../worker/protocol.js';
import {
  type LoadPlan,
  type LoadResult,
  type Progress,
  splitEvenly,
  type TimelinePoint,
} from './load-plan.js';
import { RunAggregate } from './run-aggregate.js';
import { judgeRun } from './verdict.js';

/** Time for the workers to receive `start` before the first request is due. */
const START_DELAY_MS = 100;

export interface RunOptions {
  /** Called once a second, when every worker has reported that second. */
  readonly onProgress?: (progress: Progress) => void;
  /** Aborting stops the load early (Ctrl-C); the result covers what was measured. */
  readonly signal?: AbortSignal;
}

/**
 * Runs the load: starts `plan.workers` worker threads, gives each its share of the rate and of the
 * connections, starts them on one wall-clock instant, merges their reports and judges the run.
 */
export async function runLoad(plan: LoadPlan, options: RunOptions = {}): Promise<LoadResult> {
  const loadBefore = os.loadavg()[0] ?? 0;
  const connections = splitEvenly(plan.connections, plan.workers);
  const aggregate = new RunAggregate(plan.scenario, plan.workers);
  const summaries: WindowSummary[] = [];
  const script = workerScript();
  const workers = connections.map((share, index) => {
    const workerPlan: WorkerPlan = {
      index,
      workers: plan.workers,
      model: plan.model,
      rate: plan.rate ?? 0,
      connections: share,
      target: plan.target,
      scenario: plan.scenario,
      warmupMs: plan.warmupMs,
      durationMs: plan.durationMs,
      timeoutMs: plan.timeoutMs,
      maxBehindMs: plan.maxBehindMs,
      nice: plan.nice,
    };
    return new Worker(script, { workerData: workerPlan });
  });
  const send = (message: ToWorker) => workers.forEach((worker) => worker.postMessage(message));

  let startedAt = new Date();
  const progress = (points: readonly TimelinePoint[]) => {
    if (!options.onProgress) return;
    for (const point of points) {
      options.onProgress({
        point,
        durationSeconds: Math.ceil(plan.durationMs / 1000),
        targetRate: plan.rate,
        totalSent: aggregate.sent,
        totalFailed: aggregate.failed,
        p50Ms: aggregate.corrected.valueAtPercentile(50) / 1000,
        p99Ms: aggregate.corrected.valueAtPercentile(99) / 1000,
      });
    }
  };

  try {
    await new Promise<void>((resolve, reject) => {
      let ready = 0;
      let done = 0;
      const lastSecond = new Array<number>(workers.length).fill(0);
      const fail = (error: Error) => {
        void Promise.all(workers.map((worker) => worker.terminate()));
        reject(error);
      };
      workers.forEach((worker, index) => {
        worker.on('error', (error) =>
          fail(new Error(`load generator worker ${index} crashed: ${error.message}`)),
        );
        worker.on('exit', (code) => {
          if (summaries.length < workers.length && !summaries.some((s) => s.worker === index))
            fail(new Error(`load generator worker ${index} exited (code ${code}) before reporting`));
        });
        worker.on('message', (message: FromWorker) => {
          switch (message.type) {
            case 'ready':
              if (++ready === workers.length) {
                const startAtEpochMs =
                  performance.timeOrigin + performance.now() + START_DELAY_MS + plan.warmupMs;
                startedAt = new Date(startAtEpochMs);
                send({ type: 'start', startAtEpochMs });
              }
              break;
            case 'interval':
              lastSecond[index] = message.report.second;
              progress(aggregate.add(message.report));
              break;
            case 'done':
              summaries.push(message.summary);
              progress(aggregate.workerDone(index, lastSecond[index] ?? 0));
              if (++done === workers.length) resolve();
              break;
            case 'failed':
              fail(new Error(`load generator worker ${index} failed: ${message.message}`));
              break;
          }
        });
      });
      if (options.signal?.aborted) send({ type: 'stop' });
      options.signal?.addEventListener('abort', () => send({ type: 'stop' }), { once: true });
    });
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  progress(aggregate.finish());

  summaries.sort((a, b) => a.worker - b.worker);
  const interrupted = summaries.some((summary) => summary.stopped);
  const measuredMs = interrupted ? Math.max(1, ...summaries.map((s) => s.wallMs)) : plan.durationMs;
  const sentInWindow = summaries.reduce((sum, summary) => sum + summary.sentInWindow, 0);
  const achievedRate = sentInWindow / (measuredMs / 1000);
  const completed = aggregate.corrected.totalCount;
  const verdict = judgeRun(
    {
      model: plan.model,
      targetRate: plan.rate,
      achievedRate,
      due: aggregate.sent + aggregate.unsent + aggregate.poolTimeouts,
      unsent: aggregate.unsent,
      poolWaits: aggregate.poolWaits,
      connections: plan.connections,
      completed,
      failed: aggregate.failed,
      poolTimeouts: aggregate.poolTimeouts,
      latenessP99Ms: aggregate.lateness.totalCount ? aggregate.lateness.valueAtPercentile(99) / 1000 : 0,
      correctedP99Ms: completed ? aggregate.corrected.valueAtPercentile(99) / 1000 : 0,
      workers: summaries,
      interrupted,
    },
    plan.limits,
  );
  return {
    plan,
    startedAt: startedAt.toISOString(),
    interrupted,
    measuredMs,
    sent: aggregate.sent,
    completed,
    ok: aggregate.ok,
    failed: aggregate.failed,
    unsent: aggregate.unsent,
    poolWaits: aggregate.poolWaits,
    poolTimeouts: aggregate.poolTimeouts,
    achievedRate,
    errors: Object.fromEntries([...aggregate.errors].sort((a, b) => b[1] - a[1])),
    corrected: aggregate.corrected,
    service: aggregate.service,
    lateness: aggregate.lateness,
    kinds: aggregate.kinds,
    timeline: aggregate.timeline,
    workers: summaries,
    verdict,
    loadAverage: [loadBefore, os.loadavg()[0] ?? 0],
  };
}

/**
 * The worker threads' entry, compiled JavaScript: beside this module in dist/, or — when this
 * module runs from its TypeScript source (jest) — in the package's dist/ (built before tests).
 */
function workerScript(): URL {
  const beside = new URL('../worker/worker-main.js', import.meta.url);
  if (fs.existsSync(fileURLToPath(beside))) return beside;
  const built = new URL('../../dist/worker/worker-main.js', import.meta.url);
  if (fs.existsSync(fileURLToPath(built))) return built;
  throw new Error(
    `the worker script was not found at ${fileURLToPath(built)}: build @platform/loadgen first`,
  );
}
