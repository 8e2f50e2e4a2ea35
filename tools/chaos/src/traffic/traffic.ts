import type { Exchange } from '../http.js';

/** One kind of ordinary request, sent at a steady rate while a fault is on. */
export interface Flow {
  readonly name: string;
  /** Requests a second. */
  readonly rate: number;
  send(): Promise<Exchange>;
  /** Whether the answer is what an ordinary client wants; default: a 2xx status. */
  ok?(exchange: Exchange): boolean;
}

/** One request of a flow: when it started (epoch ms), how long it took, what came back. */
export interface Sample {
  readonly flow: string;
  readonly at: number;
  readonly ms: number;
  readonly status: number;
  readonly ok: boolean;
  readonly error?: string;
}

const TICK_MS = 10;

/**
 * Ordinary traffic on an open model: each flow's requests are sent on schedule whether or not the
 * previous ones have answered, as independent clients would send them, so a frozen dependency shows
 * as slow and failed requests rather than as fewer requests. `maxInflight` bounds what a total
 * stall can pile up; requests the bound holds back are recorded as failed (status 0, "not sent").
 */
export class Traffic {
  private readonly recorded: Sample[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private readonly sent = new Map<string, number>();

  constructor(
    private readonly flows: readonly Flow[],
    private readonly maxInflight = 400,
  ) {}

  start(): this {
    this.startedAt = Date.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    return this;
  }

  /** Stops sending, waits for the requests in flight, returns every sample. */
  async stop(): Promise<Sample[]> {
    clearInterval(this.timer);
    await Promise.all([...this.inflight]);
    return this.samples();
  }

  samples(): Sample[] {
    return [...this.recorded].sort((a, b) => a.at - b.at);
  }

  private tick(): void {
    const elapsed = (Date.now() - this.startedAt) / 1000;
    for (const flow of this.flows) {
      const due = Math.floor(elapsed * flow.rate);
      let sent = this.sent.get(flow.name) ?? 0;
      for (; sent < due; sent++) this.fire(flow);
      this.sent.set(flow.name, sent);
    }
  }

  private fire(flow: Flow): void {
    const at = Date.now();
    if (this.inflight.size >= this.maxInflight) {
      this.recorded.push({ flow: flow.name, at, ms: 0, status: 0, ok: false, error: 'not sent' });
      return;
    }
    const request = flow.send().then(
      (exchange) => {
        const ok = flow.ok ? flow.ok(exchange) : exchange.status >= 200 && exchange.status < 300;
        this.recorded.push({
          flow: flow.name,
          at,
          ms: exchange.ms,
          status: exchange.status,
          ok,
          ...(exchange.error ? { error: exchange.error } : {}),
        });
      },
      (error: unknown) => {
        this.recorded.push({
          flow: flow.name,
          at,
          ms: Date.now() - at,
          status: 0,
          ok: false,
          error: String(error),
        });
      },
    );
    const tracked = request.finally(() => this.inflight.delete(tracked));
    this.inflight.add(tracked);
  }
}

/** Runs `flows` while `during` runs; returns the samples once both are done. */
export async function withTraffic<T>(
  flows: readonly Flow[],
  during: (traffic: Traffic) => Promise<T>,
): Promise<{ result: T; samples: Sample[] }> {
  const traffic = new Traffic(flows).start();
  try {
    const result = await during(traffic);
    return { result, samples: await traffic.stop() };
  } catch (error) {
    await traffic.stop();
    throw error;
  }
}
