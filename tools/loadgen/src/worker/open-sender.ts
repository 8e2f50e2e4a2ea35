import { performance } from 'node:perf_hooks';

import { ArrivalSchedule } from './arrival-schedule.js';
import { type Sender, type SenderContext } from './sender.js';

/** Why a due request was never sent: the generator fell too far behind its own schedule. */
export const BEHIND_SCHEDULE = 'not sent: generator behind schedule';
/** Why a due request failed without being sent: every connection stayed busy past the timeout. */
export const NO_FREE_CONNECTION = 'timeout waiting for a free connection';

/**
 * The open model: requests arrive on a schedule whatever the target does (see ArrivalSchedule).
 * This worker sends requests index, index + workers, index + 2·workers… of the run's schedule, so
 * the workers' requests interleave into one even stream.
 *
 * A timer wakes for the next due request and sends every request due by then. Latency counts from
 * the scheduled time (the "corrected" latency: a stall in the target, or in this generator, shows
 * as latency instead of as fewer requests); the service time counts from the actual send. How late
 * the generator got to each request is its lateness; one more than `maxBehindMs` late is not sent
 * at all (the generator has fallen behind its schedule).
 *
 * When every connection of the pool is busy, a due request waits for one (a pool wait), its latency
 * still counting from its schedule; one still waiting when its timeout has passed fails.
 */
export class OpenSender implements Sender {
  inflight = 0;
  sentInWindow = 0;
  private readonly schedule: ArrivalSchedule;
  private readonly start: number;
  private readonly windowEnd: number;
  private readonly count: number;
  private next = 0;
  private readonly backlog: number[] = [];
  private backlogHead = 0;
  private timer: NodeJS.Timeout | undefined;
  private scheduling = true;
  private finish: (() => void) | undefined;

  constructor(private readonly context: SenderContext) {
    const { plan, t0 } = context;
    this.schedule = new ArrivalSchedule(plan.rate, plan.warmupMs, plan.durationMs);
    this.start = t0 - plan.warmupMs;
    this.windowEnd = t0 + plan.durationMs;
    this.count = Math.max(0, Math.ceil((this.schedule.count - plan.index) / plan.workers));
  }

  run(): Promise<void> {
    const done = new Promise<void>((resolve) => (this.finish = resolve));
    if (this.count === 0) this.scheduling = false;
    else this.timer = setTimeout(this.tick, Math.max(0, this.due(0) - performance.now()));
    this.maybeFinish();
    return done;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.scheduling = false;
    this.backlog.length = this.backlogHead = 0;
    this.maybeFinish();
  }

  private due(local: number): number {
    const { workers, index } = this.context.plan;
    return this.start + this.schedule.offsetMs(local * workers + index);
  }

  private readonly tick = (): void => {
    while (this.next < this.count) {
      const now = performance.now();
      if (this.due(this.next) > now) break;
      this.handle(this.next++, now);
    }
    if (this.next < this.count) {
      this.timer = setTimeout(this.tick, Math.max(0, this.due(this.next) - performance.now()));
    } else {
      this.scheduling = false;
      this.maybeFinish();
    }
  };

  private handle(local: number, now: number): void {
    const { stats, plan, t0 } = this.context;
    const due = this.due(local);
    const measured = due >= t0;
    const lateMs = now - due;
    if (measured) stats.late(lateMs);
    if (lateMs > plan.maxBehindMs) {
      if (measured) stats.notSent(BEHIND_SCHEDULE);
      return;
    }
    if (this.inflight >= plan.connections) {
      if (measured) stats.poolWait();
      this.backlog.push(local);
      return;
    }
    this.dispatch(local, now);
  }

  private dispatch(local: number, now: number): void {
    const { plan, t0, mix, client, stats } = this.context;
    const due = this.due(local);
    const measured = due >= t0;
    const request = mix.next(local * plan.workers + plan.index);
    this.inflight++;
    if (measured) {
      stats.sent(request.kind);
      if (now < this.windowEnd) this.sentInWindow++;
    }
    client.send(request, (failure) => {
      const end = performance.now();
      this.inflight--;
      if (measured) stats.completed(request.kind, end - due, end - now, failure);
      this.drainBacklog();
      this.maybeFinish();
    });
  }

  /** A connection is free: the longest-waiting request takes it, unless its timeout has passed. */
  private drainBacklog(): void {
    const { plan, t0, stats, mix } = this.context;
    while (this.backlogHead < this.backlog.length && this.inflight < plan.connections) {
      const local = this.backlog[this.backlogHead++]!;
      const now = performance.now();
      const due = this.due(local);
      if (now - due > plan.timeoutMs) {
        if (due >= t0)
          stats.failedUnsent(mix.next(local * plan.workers + plan.index).kind, now - due, NO_FREE_CONNECTION);
        continue;
      }
      this.dispatch(local, now);
    }
    if (this.backlogHead === this.backlog.length) this.backlog.length = this.backlogHead = 0;
  }

  private maybeFinish(): void {
    if (!this.scheduling && this.inflight === 0 && this.backlogHead === this.backlog.length) {
      this.finish?.();
      this.finish = undefined;
    }
  }
}
