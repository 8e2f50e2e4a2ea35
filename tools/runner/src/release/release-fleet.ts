import type { ControlClient } from '../control/control-client.js';
import type { InstanceView, StartedInstanceView } from '../control/control-api.js';
import { isApiError } from '../http-json.js';
import type { GatewayClient } from './gateway-client.js';
import type { ReconcilePlan } from './release-plan.js';
import { formatInstances, seconds } from './release-progress.js';

export interface ReleaseFleetOptions {
  readonly control: ControlClient;
  readonly gateway: GatewayClient;
  readonly say: (line: string) => void;
  /** How long the gateway may take to list a ready instance as up. */
  readonly seenTimeoutMs?: number;
  readonly seenPollMs?: number;
}

/**
 * A service's instances during a release, changed so that no request is lost: a new instance counts
 * only once the gateway lists it as up (only then can it get traffic), and an old one is stopped
 * gracefully (it drains, then exits) and only once its replacement counts.
 */
export class ReleaseFleet {
  constructor(private readonly options: ReleaseFleetOptions) {}

  /**
   * Starts `count` instances one at a time (a surge of one, like Kubernetes' `maxSurge: 1`): each is
   * ready and routed to by the gateway before the next starts. Starting a Node service takes a core
   * for a second or two; several at once on a small machine starve the instances that serve
   * meanwhile (three at once on 2 cores timed out 187 requests of a 150 req/s run).
   */
  async start(
    service: string,
    version: string,
    track: string,
    count: number,
  ): Promise<StartedInstanceView[]> {
    const { control, say } = this.options;
    const started: StartedInstanceView[] = [];
    for (let i = 0; i < count; i++) {
      const [instance] = await control.startInstances({ service, version, track, count: 1 });
      const position = count > 1 ? ` (${i + 1} of ${count}, one at a time)` : '';
      say(
        `${service}: started ${instance!.instanceId} (${version}, ${track}) in ${seconds(instance!.readyInMs)}${position}`,
      );
      await this.waitSeenUp(service, [instance!]);
      started.push(instance!);
    }
    return started;
  }

  /** Polls the gateway's registry view until every one of `instances` is in it as `up`. */
  async waitSeenUp(service: string, instances: readonly InstanceView[]): Promise<void> {
    const timeoutMs = this.options.seenTimeoutMs ?? 30_000;
    const pollMs = this.options.seenPollMs ?? 100;
    const started = Date.now();
    let waiting = instances.map((instance) => instance.instanceId);
    let problem = '';
    while (waiting.length > 0) {
      try {
        const up = new Set(
          (await this.options.gateway.registry(service))
            .filter((instance) => instance.status === 'up')
            .map((instance) => instance.instanceId),
        );
        waiting = waiting.filter((id) => !up.has(id));
        if (waiting.length === 0) break;
      } catch (error) {
        problem = ` (last error: ${(error as Error).message})`;
      }
      if (Date.now() - started > timeoutMs) {
        const logs = instances.filter((i) => waiting.includes(i.instanceId)).map((i) => i.logFile);
        throw new Error(
          `the gateway did not list ${waiting.join(', ')} as up within ${seconds(timeoutMs)}${problem}; ` +
            `the instance is ready but did not register: see ${logs.join(', ')} and GET /admin/registry`,
        );
      }
      await sleep(pollMs);
    }
    const ids = instances.map((instance) => instance.instanceId).join(', ');
    this.options.say(
      `${service}: the gateway routes to ${ids} (listed as up after ${seconds(Date.now() - started)})`,
    );
  }

  /** Drains and stops one instance; one that is already gone is fine. */
  async stop(instance: InstanceView): Promise<void> {
    const label = `${instance.instanceId} (${instance.version}, ${instance.track})`;
    try {
      const { stoppedInMs } = await this.options.control.stopInstance(instance.instanceId);
      this.options.say(`${instance.service}: stopped ${label} after draining, in ${seconds(stoppedInMs)}`);
    } catch (error) {
      if (!isApiError(error, 404)) throw error;
      this.options.say(`${instance.service}: ${label} had already stopped`);
    }
  }

  async stopAll(instances: readonly InstanceView[]): Promise<void> {
    await Promise.all(instances.map((instance) => this.stop(instance)));
  }

  /** Carries out a plan: the winning side first, then the losing side goes, then the version is set. */
  async apply(service: string, plan: ReconcilePlan): Promise<void> {
    if (plan.start) await this.start(service, plan.start.version, plan.start.track, plan.start.count);
    await this.stopAll(plan.stop);
    await this.options.control.setVersion(service, plan.version);
    const now = await this.options.control.instances(service);
    this.options.say(`${service}: new instances start at ${plan.version}; running: ${formatInstances(now)}`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
