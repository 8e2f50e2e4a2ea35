import type { InstanceView } from '../control/control-api.js';
import type { ControlClient } from '../control/control-client.js';
import type { ReleaseFleet } from '../release/release-fleet.js';
import { acquireReleaseLock } from '../release/release-lock.js';
import { seconds } from '../release/release-progress.js';

export interface InstanceRollerOptions {
  /** The runner's state directory: the per-service release lock is there. */
  readonly stateDir: string;
  readonly control: ControlClient;
  /** Starts and stops instances the way a rolling release does. */
  readonly fleet: Pick<ReleaseFleet, 'start' | 'stop'>;
  readonly say: (line: string) => void;
}

/** What a roll did: the instances replaced and their replacements, in order. */
export interface RollResult {
  readonly service: string;
  readonly replaced: readonly InstanceView[];
  readonly started: readonly InstanceView[];
  /** Old instances left running when the roll stopped early: they keep the previous build. */
  readonly kept: readonly InstanceView[];
  readonly ms: number;
  /** Set when the roll stopped early: a start failed, or it was asked to stop. */
  readonly stoppedEarly?: string;
}

/**
 * Puts a new build of a service into service without failing a request: its instances are
 * replaced one at a time, each by a fresh process (which loads the new `dist/`) at the same
 * version and track, through the same steps as a rolling release ({@link ReleaseFleet}): the new
 * instance starts, becomes ready and is listed as up by the gateway, and only then does the old one
 * drain and stop. A service with a single instance briefly has two, never none.
 *
 * It holds the service's release lock meanwhile, so a `npm run release` command and a roll never
 * change the same service's instances at once (the one that comes second waits).
 */
export class InstanceRoller {
  constructor(private readonly options: InstanceRollerOptions) {}

  /**
   * Replaces every running instance of `service` that is not already stopping. `signal` stops the
   * roll between two replacements (never in the middle of one, which would leave an extra
   * instance or one fewer).
   */
  async roll(service: string, signal?: AbortSignal): Promise<RollResult> {
    const { stateDir, control, fleet, say } = this.options;
    const unlock = await acquireReleaseLock(stateDir, service, (pid) =>
      say(`${service}: waiting for a release command (pid ${pid}) to finish with its instances`),
    );
    const started = Date.now();
    const replaced: InstanceView[] = [];
    const replacements: InstanceView[] = [];
    let old: InstanceView[] = [];
    const result = (stoppedEarly?: string): RollResult => ({
      service,
      replaced,
      started: replacements,
      kept: old.filter((instance) => !replaced.includes(instance)),
      ms: Date.now() - started,
      ...(stoppedEarly === undefined ? {} : { stoppedEarly }),
    });
    try {
      old = (await control.instances(service)).filter((instance) => instance.state !== 'stopping');
      if (old.length === 0) return result();
      say(`${service}: replacing ${old.map((i) => i.instanceId).join(', ')} one at a time`);
      for (const instance of old) {
        if (signal?.aborted) return result('asked to stop');
        try {
          replacements.push(...(await fleet.start(service, instance.version, instance.track, 1)));
        } catch (error) {
          return result((error as Error).message);
        }
        await fleet.stop(instance);
        replaced.push(instance);
      }
      say(
        `${service}: replaced ${replaced.map((i) => i.instanceId).join(', ')} with ` +
          `${replacements.map((i) => i.instanceId).join(', ')} in ${seconds(Date.now() - started)}`,
      );
      return result();
    } finally {
      unlock();
    }
  }
}
