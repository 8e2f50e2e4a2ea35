// Calls per second of a synchronous function in a tight loop, for in-process micro-benchmarks: one
// warm-up round (JIT), then `rounds` rounds of `seconds`, sorted. Also the progress-line logger the
// micro-benchmarks share. `call(i)` gets 0..batch-1 in turn, so a benchmark can cycle through inputs.
import { performance } from 'node:perf_hooks';

export function tightLoopRate(call, { rounds, seconds, batch = 1024 }) {
  let sink;
  const round = () => {
    const end = performance.now() + seconds * 1000;
    let count = 0;
    const begin = performance.now();
    let now = begin;
    while (now < end) {
      for (let i = 0; i < batch; i++) sink = call(i);
      count += batch;
      now = performance.now();
    }
    return count / ((now - begin) / 1000);
  };
  round();
  const sorted = Array.from({ length: rounds }, round).sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted.at(-1), last: sink };
}

/** `log(message)` with the seconds since the script started, like the harness's. */
export function progressLog() {
  const started = performance.now();
  return (message) =>
    process.stdout.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
}
