import { describe, expect, it } from '@jest/globals';

import { type Progress, type TimelinePoint } from '../run/load-plan.js';
import { formatProgress } from './text-report.js';

function progress(second: number, sent: number): Progress {
  const point: TimelinePoint = {
    second,
    sent,
    completed: sent,
    failed: 0,
    unsent: 0,
    p50Ms: 1,
    p90Ms: 2,
    p99Ms: 3,
    maxMs: 4,
    serviceP50Ms: 1,
    serviceP99Ms: 2,
    latenessP99Ms: 0.5,
    worstCpu: 0.25,
    worstWorker: 1,
    inflight: 3,
  };
  return {
    point,
    durationSeconds: 30,
    targetRate: 150,
    totalSent: 4_500,
    totalFailed: 2,
    p50Ms: 2.5,
    p99Ms: 88,
  };
}

describe(formatProgress.name, () => {
  it('shows the rate sent against the rate asked during the measured phase', () => {
    expect(formatProgress(progress(5, 150))).toBe(
      '[ 5/30 s] sent 4,500  rate 150/150 req/s (100%)  p50 2.50 ms  p99 88.0 ms  errors 2  ' +
        'worst CPU 25% (w1)  late p99 0.50 ms  in flight 3',
    );
  });

  it('does not report a rate of 0% once nothing is due and it only waits for answers', () => {
    const line = formatProgress(progress(31, 0));
    expect(line).toContain('[30 s + 1 s finishing]');
    expect(line).toContain('waiting for answers');
    expect(line).not.toContain('req/s');
    expect(line).not.toContain('late p99');
  });
});
