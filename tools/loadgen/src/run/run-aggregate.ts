import { Histogram } from '../histogram/histogram.js';
import { type Scenario } from '../scenario/scenario.js';
import { type IntervalReport } from '../worker/protocol.js';
import { type KindResult, type TimelinePoint } from './load-plan.js';

const ms = (us: number) => us / 1000;

/** A kind's totals while the run goes on ({@link KindResult} is its read-only view). */
type KindTotals = { -readonly [K in keyof KindResult]: KindResult[K] };

/**
 * Merges the workers' per-second reports: one point per second of the run (once every worker still
 * sending has reported that second), and the totals and histograms of the whole run.
 */
export class RunAggregate {
  readonly corrected = new Histogram();
  readonly service = new Histogram();
  readonly lateness = new Histogram();
  readonly kinds: KindTotals[];
  readonly timeline: TimelinePoint[] = [];
  readonly errors = new Map<string, number>();
  unsent = 0;
  poolWaits = 0;
  poolTimeouts = 0;
  private readonly pending = new Map<number, IntervalReport[]>();
  private readonly lastSecond = new Map<number, number>();

  constructor(
    scenario: Scenario,
    private readonly workers: number,
  ) {
    this.kinds = scenario.requests.map((request) => ({
      name: request.name,
      weight: request.weight,
      sent: 0,
      ok: 0,
      failed: 0,
      corrected: new Histogram(),
      service: new Histogram(),
    }));
  }

  get sent(): number {
    return this.kinds.reduce((sum, kind) => sum + kind.sent, 0);
  }

  get ok(): number {
    return this.kinds.reduce((sum, kind) => sum + kind.ok, 0);
  }

  get failed(): number {
    return this.kinds.reduce((sum, kind) => sum + kind.failed, 0);
  }

  /** Adds a worker's second; returns the seconds that became complete, oldest first. */
  add(report: IntervalReport): TimelinePoint[] {
    const reports = this.pending.get(report.second) ?? [];
    reports.push(report);
    this.pending.set(report.second, reports);
    return this.flush(false);
  }

  /** The worker has sent its last report. */
  workerDone(worker: number, lastSecond: number): TimelinePoint[] {
    this.lastSecond.set(worker, lastSecond);
    return this.flush(false);
  }

  /** Every second still pending, complete or not (the run is over). */
  finish(): TimelinePoint[] {
    return this.flush(true);
  }

  private flush(all: boolean): TimelinePoint[] {
    const points: TimelinePoint[] = [];
    for (;;) {
      const second = Math.min(...this.pending.keys());
      if (!Number.isFinite(second)) break;
      const reports = this.pending.get(second)!;
      if (!all && !this.complete(second, reports)) break;
      this.pending.delete(second);
      points.push(this.merge(second, reports));
    }
    this.timeline.push(...points);
    return points;
  }

  private complete(second: number, reports: readonly IntervalReport[]): boolean {
    for (let worker = 0; worker < this.workers; worker++) {
      if (reports.some((report) => report.worker === worker)) continue;
      const last = this.lastSecond.get(worker);
      if (last === undefined || last >= second) return false;
    }
    return true;
  }

  private merge(second: number, reports: readonly IntervalReport[]): TimelinePoint {
    const corrected = new Histogram();
    const service = new Histogram();
    const lateness = new Histogram();
    let sent = 0;
    let failed = 0;
    let worstCpu = 0;
    let worstWorker = 0;
    let inflight = 0;
    let unsent = 0;
    for (const report of reports) {
      report.kinds.forEach((interval, i) => {
        const kind = this.kinds[i]!;
        kind.sent += interval.sent;
        kind.ok += interval.ok;
        kind.failed += interval.failed;
        kind.corrected.addSparse(interval.corrected);
        kind.service.addSparse(interval.service);
        corrected.addSparse(interval.corrected);
        service.addSparse(interval.service);
        sent += interval.sent;
        failed += interval.failed;
      });
      lateness.addSparse(report.lateness);
      for (const [name, count] of Object.entries(report.errors))
        this.errors.set(name, (this.errors.get(name) ?? 0) + count);
      unsent += report.unsent;
      this.poolWaits += report.poolWaits;
      this.poolTimeouts += report.poolTimeouts;
      inflight += report.inflight;
      if (report.cpu >= worstCpu) {
        worstCpu = report.cpu;
        worstWorker = report.worker;
      }
    }
    this.unsent += unsent;
    this.corrected.add(corrected);
    this.service.add(service);
    this.lateness.add(lateness);
    return {
      second,
      sent,
      completed: corrected.totalCount,
      failed,
      unsent,
      p50Ms: ms(corrected.valueAtPercentile(50)),
      p90Ms: ms(corrected.valueAtPercentile(90)),
      p99Ms: ms(corrected.valueAtPercentile(99)),
      maxMs: ms(corrected.max),
      serviceP50Ms: ms(service.valueAtPercentile(50)),
      serviceP99Ms: ms(service.valueAtPercentile(99)),
      latenessP99Ms: ms(lateness.valueAtPercentile(99)),
      worstCpu,
      worstWorker,
      inflight,
    };
  }
}
