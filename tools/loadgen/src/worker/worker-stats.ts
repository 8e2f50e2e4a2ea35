import { Histogram } from '../histogram/histogram.js';
import { type IntervalReport, type KindInterval } from './protocol.js';

/** A request that failed: why, in a few low-cardinality words. */
export type Failure = string;

/**
 * One worker's counters and histograms for the current second. The senders record into it; once
 * a second the worker sends {@link take}'s report to the coordinator, which merges every worker's.
 * Only requests of the measured phase are recorded (the senders decide which those are).
 */
export class WorkerStats {
  private readonly kinds: {
    sent: number;
    ok: number;
    failed: number;
    corrected: Histogram;
    service: Histogram;
  }[];
  private errors = new Map<Failure, number>();
  private unsent = 0;
  private poolWaits = 0;
  private poolTimeouts = 0;
  private readonly lateness = new Histogram();

  constructor(kindCount: number) {
    this.kinds = Array.from({ length: kindCount }, () => ({
      sent: 0,
      ok: 0,
      failed: 0,
      corrected: new Histogram(),
      service: new Histogram(),
    }));
  }

  sent(kind: number): void {
    this.kinds[kind]!.sent++;
  }

  /** How late a request left (or would have left) against its schedule. */
  late(ms: number): void {
    this.lateness.record(ms * 1000);
  }

  poolWait(): void {
    this.poolWaits++;
  }

  /** The generator fell too far behind its schedule to send a due request. */
  notSent(reason: Failure): void {
    this.unsent++;
    this.errors.set(reason, (this.errors.get(reason) ?? 0) + 1);
  }

  /** A due request failed before it could be sent (no free connection within its timeout). */
  failedUnsent(kind: number, correctedMs: number, failure: Failure): void {
    const stats = this.kinds[kind]!;
    stats.corrected.record(correctedMs * 1000);
    stats.failed++;
    this.poolTimeouts++;
    this.errors.set(failure, (this.errors.get(failure) ?? 0) + 1);
  }

  /** A request finished: answered (`failure` undefined for 2xx/3xx) or failed. Times in ms. */
  completed(kind: number, correctedMs: number, serviceMs: number, failure: Failure | undefined): void {
    const stats = this.kinds[kind]!;
    stats.corrected.record(correctedMs * 1000);
    stats.service.record(serviceMs * 1000);
    if (failure === undefined) stats.ok++;
    else {
      stats.failed++;
      this.errors.set(failure, (this.errors.get(failure) ?? 0) + 1);
    }
  }

  /** This second's report; the counters start again from zero. */
  take(worker: number, second: number, cpu: number, inflight: number): IntervalReport {
    const kinds: KindInterval[] = this.kinds.map((stats) => {
      const kind = {
        sent: stats.sent,
        ok: stats.ok,
        failed: stats.failed,
        corrected: stats.corrected.toSparse(),
        service: stats.service.toSparse(),
      };
      stats.sent = stats.ok = stats.failed = 0;
      stats.corrected.reset();
      stats.service.reset();
      return kind;
    });
    const report: IntervalReport = {
      worker,
      second,
      kinds,
      errors: Object.fromEntries(this.errors),
      unsent: this.unsent,
      poolWaits: this.poolWaits,
      poolTimeouts: this.poolTimeouts,
      lateness: this.lateness.toSparse(),
      cpu,
      inflight,
    };
    this.errors = new Map();
    this.unsent = this.poolWaits = this.poolTimeouts = 0;
    this.lateness.reset();
    return report;
  }
}
