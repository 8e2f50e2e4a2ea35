import { run } from './command.js';
import { podman, podmanEnv } from './podman.js';

/** How often the project's containers are listed (podman ps). */
const LIST_EVERY_MS = 3_000;

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
  private containers: string[] = [];
  private listedAt = -Infinity;

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
    const now = Date.now();
    // Each podman command costs ~0.1 s of CPU: the project's containers are listed every few
    // seconds, not at every tick (a restarted container keeps its id).
    if (now >= this.listedAt + LIST_EVERY_MS) {
      const listed = await run(
        'podman',
        ['ps', '--quiet', '--no-trunc', '--filter', `label=com.docker.compose.project=${this.project}`],
        { env: podmanEnv() },
      );
      this.containers = listed.stdout.split('\n').filter(Boolean);
      this.listedAt = now;
    }
    for (const id of this.containers) {
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
