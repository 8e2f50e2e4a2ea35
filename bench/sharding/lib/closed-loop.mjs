// `concurrency` callers each running `call` back to back for `durationMs`: throughput and latency at a
// fixed concurrency, the comparison the sharding benchmarks make between two ways of doing one thing.
import { performance } from 'node:perf_hooks';

import { percentile } from '../../lib/open-loop.mjs';

export async function closedLoop(call, { concurrency, durationMs }) {
  const latencies = [];
  let errors = 0;
  let firstError;
  const started = performance.now();
  const until = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; performance.now() < until; i++) {
        const t0 = performance.now();
        try {
          await call(worker, i);
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors++;
          firstError ??= error;
        }
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / elapsedS,
    count: latencies.length,
    errors,
    firstError,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}
