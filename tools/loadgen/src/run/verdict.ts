import { type LoadModel } from '../worker/protocol.js';

/**
 * When a run is INVALID: the generator, not the target, limited it. Each limit is a symptom of a
 * generator too weak for its load; any one exceeded makes every latency figure of the run suspect.
 */
export interface ValidityLimits {
  /**
   * A worker thread busy more than this share of the measured phase could not have sent more: on
   * the CPU (its thread's CPU time), or with an event loop that never waited for I/O (its
   * utilisation, which also counts time it was ready to run but the machine gave the CPU to others).
   */
  readonly maxWorkerCpu: number;
  /**
   * Open model: p99 of how late requests left against their schedule — unless that is also under
   * `maxLatenessShareOfP99` of the p99 latency the run measured, so that the generator's lateness
   * cannot have moved the percentiles it reports by more than that share (after a stall of the
   * target, catching up on the queued requests makes the generator briefly late).
   */
  readonly maxLatenessP99Ms: number;
  readonly maxLatenessShareOfP99: number;
  /** p99 of a worker's event-loop delay: its timers and answers were handled this late. */
  readonly maxLoopDelayP99Ms: number;
  /** Open model: requests sent per second over the rate asked, unless the target was failing. */
  readonly minRateShare: number;
  /**
   * Open model: past this share of requests that found every pooled connection busy and queued, the
   * report notes that the load was no longer fully open (not invalid: their latency still counts
   * from their schedule, and a slow target is what fills the pool).
   */
  readonly maxPoolWaitShare: number;
  /** Open model: share of due requests the generator never sent, being too far behind schedule. */
  readonly maxUnsentShare: number;
  /** At this share of failed requests the target counts as failing (a rate shortfall is then its own). */
  readonly targetFailingShare: number;
}

export const DEFAULT_LIMITS: ValidityLimits = Object.freeze({
  maxWorkerCpu: 0.9,
  maxLatenessP99Ms: 10,
  maxLatenessShareOfP99: 0.1,
  maxLoopDelayP99Ms: 20,
  minRateShare: 0.95,
  maxPoolWaitShare: 0.01,
  maxUnsentShare: 0.001,
  targetFailingShare: 0.05,
});

/** What the verdict is decided on: the merged figures of a run's measured phase. */
export interface VerdictInput {
  readonly model: LoadModel;
  /** Open model: the rate asked (req/s). */
  readonly targetRate: number | undefined;
  /** Requests that left during the measured phase, per second of it. */
  readonly achievedRate: number;
  /** Measured requests due (open model: sent, not sent, and failed waiting for a connection). */
  readonly due: number;
  readonly unsent: number;
  readonly poolWaits: number;
  readonly connections: number;
  readonly completed: number;
  readonly failed: number;
  /** Of the failed, those that timed out waiting for a free connection (never reached the target). */
  readonly poolTimeouts: number;
  readonly latenessP99Ms: number;
  /** p99 of the latency measured (from the schedule, open model). */
  readonly correctedP99Ms: number;
  readonly workers: readonly {
    readonly worker: number;
    readonly cpu: number;
    readonly cpuSource: 'thread' | 'event-loop';
    /** Event-loop utilisation: the share of time the loop was not waiting for I/O or timers. */
    readonly elu: number;
    readonly loopDelayP99Ms: number;
    readonly niceRefused?: boolean;
  }[];
  readonly interrupted: boolean;
}

export interface Verdict {
  readonly valid: boolean;
  /** Why the run is invalid: each names the generator's limit that was reached. */
  readonly reasons: readonly string[];
  /** What else the reader should know (the target failing, the closed model's blind spot…). */
  readonly notes: readonly string[];
  /** The target failed at least `targetFailingShare` of the requests that reached it. */
  readonly targetFailing: boolean;
}

export function judgeRun(input: VerdictInput, limits: ValidityLimits): Verdict {
  const reasons: string[] = [];
  const notes: string[] = [];
  const open = input.model === 'open';

  for (const worker of input.workers) {
    if (worker.cpu > limits.maxWorkerCpu || worker.elu > limits.maxWorkerCpu) {
      const what =
        worker.cpu > limits.maxWorkerCpu && worker.cpuSource === 'thread'
          ? `on the CPU ${pct(worker.cpu)} of the time`
          : `busy ${pct(worker.elu)} of the time (its event loop never waited; on the CPU ${pct(worker.cpu)})`;
      reasons.push(
        `generator worker ${worker.worker} was ${what}, limit ${pct(limits.maxWorkerCpu)}: it could not ` +
          'send faster; add workers (--workers), give it more CPU or lower the rate',
      );
    }
    if (worker.loopDelayP99Ms > limits.maxLoopDelayP99Ms) {
      reasons.push(
        `generator worker ${worker.worker}'s event loop was delayed ${ms(worker.loopDelayP99Ms)} at p99 ` +
          `(limit ${ms(limits.maxLoopDelayP99Ms)}): its sends and its clocks on answers ran late`,
      );
    }
  }

  // Requests that timed out waiting for a connection never reached the target: not its failures.
  const failedShare = input.completed > 0 ? (input.failed - input.poolTimeouts) / input.completed : 0;
  const targetFailing = failedShare >= limits.targetFailingShare;
  if (targetFailing) {
    notes.push(
      `the target failed ${pct(failedShare)} of the requests (${pct(limits.targetFailingShare)} or more ` +
        'counts as failing)',
    );
  }

  if (open) {
    const latenessLimit = Math.max(
      limits.maxLatenessP99Ms,
      limits.maxLatenessShareOfP99 * input.correctedP99Ms,
    );
    if (input.latenessP99Ms > latenessLimit) {
      const relative =
        latenessLimit > limits.maxLatenessP99Ms
          ? `, ${pct(limits.maxLatenessShareOfP99)} of the p99 latency measured`
          : '';
      reasons.push(
        `the generator sent late: p99 of send lateness against the schedule ${ms(input.latenessP99Ms)} ` +
          `(limit ${ms(latenessLimit)}${relative})`,
      );
    }
    const unsentShare = input.due > 0 ? input.unsent / input.due : 0;
    if (unsentShare > limits.maxUnsentShare) {
      reasons.push(
        `the generator fell behind its schedule and never sent ${count(input.unsent)} of ${count(input.due)} ` +
          `due requests (${pct(unsentShare)}, limit ${pct(limits.maxUnsentShare)})`,
      );
    }
    const waitShare = input.due > 0 ? input.poolWaits / input.due : 0;
    if (waitShare > limits.maxPoolWaitShare) {
      notes.push(
        `${pct(waitShare)} of requests found all ${count(input.connections)} connections busy and waited for ` +
          'one (their latency still counts from their schedule, but the target got them in bursts); ' +
          'raise --connections for a fully open load',
      );
    }
    const rateShare = input.targetRate ? input.achievedRate / input.targetRate : 1;
    if (rateShare < limits.minRateShare && !input.interrupted) {
      if (targetFailing) {
        notes.push(
          `the generator sent ${pct(rateShare)} of the rate asked, while the target was failing: ` +
            'the shortfall is not blamed on the generator',
        );
      } else {
        reasons.push(
          `the generator sent ${rate(input.achievedRate)} req/s, ${pct(rateShare)} of the ` +
            `${rate(input.targetRate ?? 0)} req/s asked (limit ${pct(limits.minRateShare)}), while the ` +
            `target was not failing (${pct(failedShare)} failed)`,
        );
      }
    }
  } else {
    notes.push(
      'closed model: latency counts from each send, and a stalled target lowers the rate instead of ' +
        'showing as latency (coordinated omission); use the open model (--rate) for latency percentiles',
    );
  }
  if (input.workers.some((worker) => worker.cpuSource === 'event-loop'))
    notes.push('worker CPU is the event-loop utilisation here (no per-thread CPU clock on this system)');
  if (input.workers.some((worker) => worker.niceRefused))
    notes.push(
      'the workers could not change their priority (--nice): a negative value needs root or CAP_SYS_NICE',
    );
  if (input.interrupted) notes.push('stopped early: the measured phase was shorter than asked');
  return { valid: reasons.length === 0, reasons, notes, targetFailing };
}

function pct(share: number): string {
  return `${(share * 100).toFixed(share < 0.01 && share > 0 ? 2 : 1)}%`;
}

function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 1 : 0)} ms`;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

function rate(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
