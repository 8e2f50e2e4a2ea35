import { performance } from 'node:perf_hooks';

import { type Sender, type SenderContext } from './sender.js';

/**
 * The closed model, as wrk, ab or a loop of `await fetch` load a server: each of the worker's
 * `connections` virtual clients sends its next request when the previous one is answered. Latency
 * counts from the send; nothing is scheduled, so when the target stalls the clients simply wait
 * and send less — the stall hides in a lower rate instead of showing as latency (coordinated
 * omission). Kept for comparison with the open model.
 */
export class ClosedSender implements Sender {
  inflight = 0;
  sentInWindow = 0;
  private readonly end: number;
  private readonly begin: number;
  private sequence = 0;
  private clients = 0;
  private stopped = false;
  private startTimer: NodeJS.Timeout | undefined;
  private finish: (() => void) | undefined;

  constructor(private readonly context: SenderContext) {
    this.begin = context.t0 - context.plan.warmupMs;
    this.end = context.t0 + context.plan.durationMs;
  }

  run(): Promise<void> {
    const done = new Promise<void>((resolve) => (this.finish = resolve));
    this.startTimer = setTimeout(
      () => {
        for (let i = 0; i < this.context.plan.connections; i++) {
          this.clients++;
          this.sendNext();
        }
        if (this.clients === 0) this.finish?.();
      },
      Math.max(0, this.begin - performance.now()),
    );
    return done;
  }

  stop(): void {
    this.stopped = true;
    if (this.clients === 0) {
      clearTimeout(this.startTimer);
      this.finish?.();
    }
  }

  private sendNext(): void {
    const { plan, t0, mix, client, stats } = this.context;
    const sentAt = performance.now();
    if (this.stopped || sentAt >= this.end) {
      if (--this.clients === 0) this.finish?.();
      return;
    }
    const measured = sentAt >= t0;
    const request = mix.next(this.sequence++ * plan.workers + plan.index);
    this.inflight++;
    if (measured) {
      stats.sent(request.kind);
      this.sentInWindow++;
    }
    client.send(request, (failure) => {
      const latency = performance.now() - sentAt;
      this.inflight--;
      if (measured) stats.completed(request.kind, latency, latency, failure);
      this.sendNext();
    });
  }
}
