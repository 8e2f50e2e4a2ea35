import { SERVED_BY_HEADER } from '../src/proxy/proxy.routes.js';

/** One request of a load, as its client saw it. */
export interface LoadResult {
  /** 0 when the request got no HTTP answer at all (connection refused or reset). */
  readonly status: number;
  /** The instance that answered (x-served-by), or '' when the gateway answered itself. */
  readonly servedBy: string;
  /** When the answer arrived (Date.now()). */
  readonly at: number;
  readonly problem?: string;
}

/**
 * Keeps `concurrency` clients sending `request` one after another until stopped, the way steady
 * traffic looks to the gateway, and records every answer.
 */
export class SteadyLoad {
  readonly results: LoadResult[] = [];
  private stopped = false;
  private readonly loops: Promise<void>[];

  /**
   * `pauseMs` between one client's requests keeps the rate steady whatever the machine's speed: an
   * unpaced loop on a quiet machine runs into the gateway's per-client rate limit.
   */
  constructor(
    private readonly request: () => Promise<Response>,
    concurrency: number,
    private readonly pauseMs = 0,
  ) {
    this.loops = Array.from({ length: concurrency }, () => this.loop());
  }

  /** Answers other than 200, and requests that got no answer. */
  failures(): LoadResult[] {
    return this.results.filter((result) => result.status !== 200);
  }

  /** Results that arrived after `since` (Date.now()). */
  since(since: number): LoadResult[] {
    return this.results.filter((result) => result.at > since);
  }

  async stop(): Promise<LoadResult[]> {
    this.stopped = true;
    await Promise.all(this.loops);
    return this.results;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        const response = await this.request();
        const body = await response.text();
        this.results.push({
          status: response.status,
          servedBy: response.headers.get(SERVED_BY_HEADER) ?? '',
          at: Date.now(),
          ...(response.status === 200 ? {} : { problem: body.slice(0, 300) }),
        });
      } catch (error) {
        this.results.push({ status: 0, servedBy: '', at: Date.now(), problem: String(error) });
      }
      if (this.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, this.pauseMs));
    }
  }
}

/** Sends `total` requests with at most `concurrency` in flight, and returns every answer in order. */
export async function sendAll(
  total: number,
  concurrency: number,
  request: (index: number) => Promise<Response>,
): Promise<LoadResult[]> {
  const results: LoadResult[] = new Array<LoadResult>(total);
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const index = next++;
      try {
        const response = await request(index);
        const body = await response.text();
        results[index] = {
          status: response.status,
          servedBy: response.headers.get(SERVED_BY_HEADER) ?? '',
          at: Date.now(),
          ...(response.status === 200 ? {} : { problem: body.slice(0, 300) }),
        };
      } catch (error) {
        results[index] = { status: 0, servedBy: '', at: Date.now(), problem: String(error) };
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/** The share of `results` that `instanceId` answered. */
export function shareOf(instanceId: string, results: readonly LoadResult[]): number {
  return results.length === 0 ? 0 : results.filter((r) => r.servedBy === instanceId).length / results.length;
}
