import { describe, expect, it } from '@jest/globals';

import { DEFAULT_LIMITS, judgeRun, type VerdictInput } from './verdict.js';

const healthy: VerdictInput = {
  model: 'open',
  targetRate: 1_000,
  achievedRate: 999,
  due: 10_000,
  unsent: 0,
  poolWaits: 0,
  connections: 2_000,
  completed: 10_000,
  failed: 0,
  poolTimeouts: 0,
  latenessP99Ms: 1.2,
  correctedP99Ms: 4,
  workers: [
    { worker: 0, cpu: 0.3, elu: 0.4, cpuSource: 'thread', loopDelayP99Ms: 1 },
    { worker: 1, cpu: 0.31, elu: 0.35, cpuSource: 'thread', loopDelayP99Ms: 1.5 },
  ],
  interrupted: false,
};

describe(judgeRun.name, () => {
  it('calls a run valid when every generator figure is within its limit', () => {
    expect(judgeRun(healthy, DEFAULT_LIMITS)).toEqual({
      valid: true,
      reasons: [],
      notes: [],
      targetFailing: false,
    });
  });

  it('names the generator for each limit it reached', () => {
    const verdict = judgeRun(
      {
        ...healthy,
        achievedRate: 600,
        unsent: 300,
        poolWaits: 500,
        latenessP99Ms: 250,
        workers: [{ worker: 0, cpu: 0.99, elu: 1, cpuSource: 'thread', loopDelayP99Ms: 80 }],
      },
      DEFAULT_LIMITS,
    );
    expect(verdict.valid).toBe(false);
    expect(verdict.reasons).toHaveLength(5);
    for (const reason of verdict.reasons) expect(reason).toMatch(/generator/);
    expect(verdict.reasons.join('\n')).toMatch(/worker 0 was on the CPU 99\.0% of the time, limit 90\.0%/);
    expect(verdict.reasons.join('\n')).toMatch(/600 req\/s, 60\.0% of the 1,000 req\/s asked/);
    expect(verdict.reasons.join('\n')).toMatch(/never sent 300 of 10,000 due requests/);
    // A full pool is the target's slowness showing, not the generator's: a note, not a reason.
    expect(verdict.notes.join('\n')).toMatch(/5\.0% of requests found all 2,000 connections busy/);
  });

  it('tolerates lateness that is small beside the latency measured (catching up after a target stall)', () => {
    expect(judgeRun({ ...healthy, latenessP99Ms: 26, correctedP99Ms: 907 }, DEFAULT_LIMITS).valid).toBe(true);
    const late = judgeRun({ ...healthy, latenessP99Ms: 120, correctedP99Ms: 907 }, DEFAULT_LIMITS);
    expect(late.reasons).toEqual([
      expect.stringMatching(/send lateness .* 120 ms \(limit 91 ms, 10\.0% of the p99 latency measured\)/),
    ]);
    // A generator late on its own inflates the p99 it measures, but not by ten times its lateness.
    expect(judgeRun({ ...healthy, latenessP99Ms: 500, correctedP99Ms: 520 }, DEFAULT_LIMITS).valid).toBe(
      false,
    );
  });

  it('does not blame the generator for a rate shortfall while the target is failing', () => {
    const verdict = judgeRun({ ...healthy, achievedRate: 500, failed: 2_000 }, DEFAULT_LIMITS);
    expect(verdict).toMatchObject({ valid: true, targetFailing: true });
    expect(verdict.notes.join('\n')).toMatch(/target failed 20\.0%/);
  });

  it('calls a worker whose event loop never waited busy, even when other processes took its CPU', () => {
    const verdict = judgeRun(
      { ...healthy, workers: [{ worker: 1, cpu: 0.45, elu: 1, cpuSource: 'thread', loopDelayP99Ms: 5 }] },
      DEFAULT_LIMITS,
    );
    expect(verdict.reasons).toEqual([
      expect.stringMatching(
        /worker 1 was busy 100\.0% of the time \(its event loop never waited; on the CPU 45\.0%\)/,
      ),
    ]);
  });

  it('does not count requests that timed out waiting for a connection as the target failing', () => {
    const verdict = judgeRun(
      { ...healthy, achievedRate: 500, failed: 3_000, poolTimeouts: 3_000 },
      DEFAULT_LIMITS,
    );
    expect(verdict.valid).toBe(false);
    expect(verdict.reasons.join('\n')).toMatch(/while the target was not failing \(0\.0% failed\)/);
  });

  it('checks only CPU and event-loop delay in the closed model, and says what it hides', () => {
    const verdict = judgeRun(
      { ...healthy, model: 'closed', targetRate: undefined, achievedRate: 10, latenessP99Ms: 0 },
      DEFAULT_LIMITS,
    );
    expect(verdict.valid).toBe(true);
    expect(verdict.notes.join('\n')).toMatch(/coordinated omission/);
  });
});
