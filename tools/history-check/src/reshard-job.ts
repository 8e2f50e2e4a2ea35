import { send } from '@platform/chaos';

export interface ReshardJobView {
  readonly id: string;
  readonly state: 'running' | 'done' | 'failed';
  readonly owner: string | null;
  readonly error: string | null;
  readonly counts: Readonly<Record<string, number>>;
}

/** A user-service resharding job, driven through the gateway's admin pass-through (docs/sharding.md). */
export class ReshardJob {
  private constructor(
    private readonly base: string,
    private readonly auth: Record<string, string>,
    readonly id: string,
  ) {}

  static async start(
    gatewayUrl: string,
    auth: Record<string, string>,
    request: { source: string; target: string; limit: number },
  ): Promise<ReshardJob> {
    const base = `${gatewayUrl}/admin/services/user-service/admin/reshard`;
    const answer = await send('POST', base, { headers: auth, body: request });
    if (answer.status !== 202)
      throw new Error(`starting the reshard answered ${answer.status}: ${answer.text}`);
    return new ReshardJob(base, auth, (JSON.parse(answer.text) as { id: string }).id);
  }

  /** The job now, or undefined while no user-service instance answers (one may just have been killed). */
  async view(): Promise<ReshardJobView | undefined> {
    const answer = await send('GET', `${this.base}/${this.id}`, { headers: this.auth, timeoutMs: 5_000 });
    return answer.status === 200 ? (JSON.parse(answer.text) as ReshardJobView) : undefined;
  }

  /** Polls until some move is in `state` (or the job ended), so a fault can land inside that step. */
  async whenAMoveIs(state: 'copying' | 'cutover', timeoutMs: number): Promise<ReshardJobView | undefined> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const view = await this.view();
      if (view && (view.state !== 'running' || (view.counts[state] ?? 0) > 0)) return view;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return undefined;
  }

  async finished(timeoutMs: number): Promise<ReshardJobView> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const view = await this.view();
      if (view && view.state !== 'running') return view;
      if (Date.now() > until) throw new Error(`reshard ${this.id} still running after ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
