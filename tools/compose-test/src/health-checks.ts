import { run } from './command.js';
import { podman, podmanEnv } from './podman.js';

/**
 * Runs the containers' health checks. podman runs them from systemd timers, and a machine without
 * systemd (a container, a CI runner) has none: the health of every container would stay
 * "starting", and `depends_on: condition: service_healthy` would wait for good. So, for the run, this
 * does what Docker's engine does itself: each container's check (`podman healthcheck run`) at that
 * container's own interval from docker-compose.yml, the first one at once.
 */
export class HealthChecks {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  /** Check interval by container id; null for a container without a health check. */
  private readonly intervals = new Map<string, number | null>();
  private readonly due = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly project: string) {}

  start(): this {
    this.timer = setInterval(() => {
      // A failed listing (the engine busy) is tried again at the next tick.
      this.ticking ??= this.tick()
        .catch(() => undefined)
        .finally(() => (this.ticking = undefined));
    }, 500);
    return this;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
    await Promise.all(this.inFlight.values());
  }

  private async tick(): Promise<void> {
    const listed = await run(
      'podman',
      ['ps', '--quiet', '--no-trunc', '--filter', `label=com.docker.compose.project=${this.project}`],
      { env: podmanEnv() },
    );
    const now = Date.now();
    for (const id of listed.stdout.split('\n').filter(Boolean)) {
      if (this.inFlight.has(id) || now < (this.due.get(id) ?? 0)) continue;
      const interval = await this.intervalOf(id);
      if (interval === null) continue;
      this.due.set(id, now + interval);
      const check = run('podman', ['healthcheck', 'run', id], { env: podmanEnv() }).then(
        () => undefined,
        () => undefined,
      );
      this.inFlight.set(id, check);
      void check.finally(() => this.inFlight.delete(id));
    }
  }

  private async intervalOf(id: string): Promise<number | null> {
    if (!this.intervals.has(id)) {
      const json = await podman(['inspect', '--format', '{{json .Config.Healthcheck}}', id]).catch(
        () => 'null',
      );
      const check = JSON.parse(json.trim() || 'null') as { Interval?: number } | null;
      // Nanoseconds, as Docker's API has them; Docker's default is 30 s.
      this.intervals.set(id, check ? Math.max(1_000, (check.Interval ?? 30e9) / 1e6) : null);
    }
    return this.intervals.get(id) ?? null;
  }
}
