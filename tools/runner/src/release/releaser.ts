import { STABLE_TRACK, type InstanceView } from '../control/control-api.js';
import type { ControlClient } from '../control/control-client.js';
import { isApiError } from '../http-json.js';
import type { GatewayClient, Release } from './gateway-client.js';
import type { StartReleaseCommand } from './release-args.js';
import { ReleaseFleet } from './release-fleet.js';
import { acquireReleaseLock } from './release-lock.js';
import { blueGreenTrack, CANARY_TRACK, planReconcile } from './release-plan.js';
import { endReason, formatInstances, nextSteps, seconds } from './release-progress.js';
import { watchRelease } from './release-watch.js';
import { ReleaseError } from './release.errors.js';

export interface ReleaserOptions {
  /** Where the runner keeps its state; the per-service release lock goes there. */
  readonly stateDir: string;
  readonly control: ControlClient;
  readonly gateway: GatewayClient;
  /** One line per event. */
  readonly say: (line: string) => void;
  /** How often to look at a release while waiting for it to end. */
  readonly pollMs?: number;
  readonly seenTimeoutMs?: number;
}

/**
 * The release flows, driven from the command line: the runner starts and stops instances, the
 * gateway moves users between versions, and this sequences the two so that traffic only goes to
 * instances the gateway lists as up. Methods resolve to the exit code: 0 when the new version
 * serves, 1 when the release was rolled back or aborted; a {@link ReleaseError} when it failed.
 */
export class Releaser {
  private readonly fleet: ReleaseFleet;

  constructor(private readonly options: ReleaserOptions) {
    this.fleet = new ReleaseFleet(options);
  }

  async start(command: StartReleaseCommand): Promise<number> {
    const { service } = command;
    let release: Release;
    const unlock = await this.lock(service);
    try {
      const { stable, old } = await this.preflight(command);
      if (command.strategy === 'rolling') return await this.rolling(command, stable, old);
      release =
        command.strategy === 'blue-green'
          ? await this.blueGreen(command, stable, old)
          : await this.canary(command, stable, old);
    } finally {
      unlock();
    }
    if (!command.wait) {
      this.say(
        `${service}: not waiting (--no-wait); the release goes on. Follow or end it: ${nextSteps(service)}`,
      );
      return 0;
    }
    // A canary's next step after the last one below 100 is everyone: its stable-track instances of the
    // new version start before that (one at a time), not while a lone canary instance carries it all.
    const lastStepBelowAll = release.steps.filter((step) => step < 100).at(-1);
    let prepared = release.strategy !== 'canary' || release.analysis.automatic === false;
    return this.finish(
      await watchRelease(release, {
        gateway: this.options.gateway,
        say: this.options.say,
        pollMs: this.options.pollMs,
        onProgress: async (now) => {
          if (prepared || lastStepBelowAll === undefined || now.weight < lastStepBelowAll) return;
          prepared = true;
          try {
            await this.prepareWinner(now);
          } catch (error) {
            this.say(
              `${service}: could not start ${now.candidate} ahead of the promotion (${(error as Error).message}); ` +
                'its instances start once it is promoted',
            );
          }
        },
      }),
    );
  }

  /** Everyone to the candidate now, then the instances follow. Also finishes a promotion cut short. */
  async promote(service: string): Promise<number> {
    const unlock = await this.lock(service);
    try {
      let release = await this.existing(service);
      if (release.phase === 'progressing') {
        await this.prepareWinner(release, false);
        release = await this.endNow(service, 'promote');
        if (release.phase === 'promoted')
          this.say(`${service}: promoted ${release.candidate}; every user goes to it now`);
      }
      if (release.phase !== 'promoted') {
        throw new ReleaseError(
          `the release of ${service} ${release.candidate} has ended (${endReason(release)}); there is nothing ` +
            `to promote. npm run release -- abort ${service} clears away what is left of it`,
        );
      }
      await this.reconcile(release);
      return 0;
    } finally {
      unlock();
    }
  }

  /** Everyone back to stable now, then the candidate's instances go. Also finishes an abort cut short. */
  async abort(service: string): Promise<number> {
    const unlock = await this.lock(service);
    try {
      let release = await this.existing(service);
      if (release.phase === 'progressing') {
        release = await this.endNow(service, 'abort');
        if (release.phase === 'aborted')
          this.say(`${service}: aborted; every user goes back to ${release.stable}`);
      }
      if (release.phase === 'promoted') {
        throw new ReleaseError(
          `the release of ${service} ${release.candidate} was promoted already; to go back, release ` +
            `${release.stable} again: npm run release -- start ${service} --strategy rolling --version ${release.stable}`,
        );
      }
      await this.reconcile(release);
      return 0;
    } finally {
      unlock();
    }
  }

  /**
   * Before a release in progress is promoted: starts the new version's missing instances (on the
   * track they keep once it is promoted), one at a time, while they still get only the release's
   * share of the traffic. The promotion then moves everyone onto instances that are up and warm.
   * If the release ends the other way instead, reconciling stops them with the other candidates.
   */
  private async prepareWinner(release: Release, takeLock = true): Promise<void> {
    const prepare = async () => {
      const instances = await this.options.control.instances(release.service);
      const plan = planReconcile(instances, { ...release, phase: 'promoted' });
      if (!plan?.start) return;
      const { version, track, count } = plan.start;
      this.say(
        `${release.service}: starting ${count} ${version} instance(s) on track ${track} before every user ` +
          `moves to ${version}, one at a time`,
      );
      await this.fleet.start(release.service, version, track, count);
    };
    if (!takeLock) return prepare();
    const unlock = await this.lock(release.service);
    try {
      await prepare();
    } finally {
      unlock();
    }
  }

  /**
   * Promotes or aborts a release in progress. If the gateway's analysis ended it in the meantime
   * (409), the release as it ended is the answer.
   */
  private async endNow(service: string, action: 'promote' | 'abort'): Promise<Release> {
    try {
      return await this.options.gateway[action](service);
    } catch (error) {
      if (!isApiError(error, 409)) throw error;
      const ended = await this.existing(service);
      this.say(`${service}: the release had already ended: ${endReason(ended)}`);
      return ended;
    }
  }

  private async preflight(command: StartReleaseCommand): Promise<{ stable: string; old: InstanceView[] }> {
    const { control, gateway } = this.options;
    const { service, version } = command;
    const [previous, instances, stable] = await Promise.all([
      gateway.release(service),
      control.instances(service),
      control.currentVersion(service),
    ]);
    if (previous?.phase === 'progressing') {
      throw new ReleaseError(
        `a ${previous.strategy} release of ${service} (${previous.stable} → ${previous.candidate}, ` +
          `${previous.weight}% on it) is still in progress; finish it first: ${nextSteps(service)}`,
      );
    }
    if (version === stable)
      throw new ReleaseError(`${service} already runs ${stable}; there is nothing to release`);
    const old = instances.filter((instance) => instance.state !== 'stopping');
    if (old.length === 0) {
      throw new ReleaseError(
        `${service} has no running instances to replace; start the platform with some ` +
          `(npm start -- --scale ${service}=2)`,
      );
    }
    const strays = old.filter((instance) => instance.version !== stable);
    if (strays.length > 0) {
      throw new ReleaseError(
        `${strays.map((i) => `${i.instanceId} (${i.version})`).join(', ')} ` +
          `${strays.length === 1 ? 'does' : 'do'} not run ${service}'s current version ${stable}: an ` +
          `earlier release did not finish. See npm run release -- status ${service}, then promote or abort it`,
      );
    }
    return { stable, old };
  }

  /** One instance at a time: a new one counts (gateway routes to it), then an old one drains and stops. */
  private async rolling(command: StartReleaseCommand, stable: string, old: InstanceView[]): Promise<number> {
    const { service, version } = command;
    const { control, gateway } = this.options;
    const started = Date.now();
    this.say(`${service}: rolling ${stable} → ${version} over ${old.length} instance(s), one at a time`);
    await gateway.startRelease(service, { strategy: 'rolling', stable, candidate: version });
    for (const [done, instance] of old.entries()) {
      try {
        await this.fleet.start(service, version, STABLE_TRACK, 1);
        await this.fleet.stop(instance);
      } catch (error) {
        this.say(`${service}: ${(error as Error).message}`);
        this.say(
          `${service}: stopping the rollout after ${done} of ${old.length}; the ${old.length - done} ` +
            `${stable} instance(s) not yet replaced keep running and serving`,
        );
        try {
          await this.reconcile(await gateway.abort(service));
        } catch (cleanup) {
          throw new ReleaseError(
            `the rolling release of ${service} ${version} failed, and taking it back failed too ` +
              `(${(cleanup as Error).message}); try again with npm run release -- abort ${service}`,
          );
        }
        throw new ReleaseError(
          `the rolling release of ${service} ${version} failed and was aborted; ${service} runs ${stable}`,
        );
      }
    }
    await control.setVersion(service, version);
    await gateway.promote(service);
    this.say(
      `${service}: released ${version} on ${old.length} instance(s) in ${seconds(Date.now() - started)}`,
    );
    return 0;
  }

  /** As many new instances as old ones, on the other colour; then the gateway switches everyone at once. */
  private async blueGreen(
    command: StartReleaseCommand,
    stable: string,
    old: InstanceView[],
  ): Promise<Release> {
    const { service, version } = command;
    const track = blueGreenTrack(old);
    this.say(`${service}: blue-green ${stable} → ${version}: starting ${old.length} ${track} instance(s)`);
    const release = await this.startCandidates(command, track, old.length, () =>
      this.options.gateway.startRelease(service, { strategy: 'blue-green', stable, candidate: version }),
    );
    this.say(
      `${service}: switched every user to ${version} (${track}); the ${old.length} ${stable} instance(s) stand by ` +
        'to switch back',
    );
    return release;
  }

  /** A few new instances; then the gateway moves users over step by step while it compares the two. */
  private async canary(command: StartReleaseCommand, stable: string, old: InstanceView[]): Promise<Release> {
    const { service, version, canaryInstances, steps, intervalMs, latencyToleranceMs, automatic } = command;
    this.say(
      `${service}: canary ${stable} → ${version}: starting ${canaryInstances} canary instance(s) beside ` +
        `${old.length} ${stable}`,
    );
    const release = await this.startCandidates(command, CANARY_TRACK, canaryInstances, () =>
      this.options.gateway.startRelease(service, {
        strategy: 'canary',
        stable,
        candidate: version,
        ...(steps ? { steps: [...steps] } : {}),
        analysis: {
          ...(intervalMs === undefined ? {} : { intervalMs }),
          ...(latencyToleranceMs === undefined ? {} : { latencyToleranceMs }),
          automatic,
        },
      }),
    );
    const every =
      release.analysis.intervalMs === undefined ? '' : ` every ${seconds(release.analysis.intervalMs)}`;
    this.say(
      `${service}: ${release.weight}% of users on ${version}; steps ${release.steps.join(',')}; ` +
        (release.analysis.automatic === false
          ? 'manual: nothing moves until you promote or abort'
          : `the gateway compares the versions${every} and promotes or rolls back on its own`),
    );
    return release;
  }

  /** Starts the candidates, then the release; if either fails, the candidates go again. */
  private async startCandidates(
    command: StartReleaseCommand,
    track: string,
    count: number,
    startRelease: () => Promise<Release>,
  ): Promise<Release> {
    const { service, version } = command;
    try {
      await this.fleet.start(service, version, track, count);
      return await startRelease();
    } catch (error) {
      this.say(`${service}: ${(error as Error).message}`);
      const candidates = (await this.options.control.instances(service)).filter(
        (instance) => instance.version === version && instance.state !== 'stopping',
      );
      await this.fleet.stopAll(candidates);
      throw new ReleaseError(
        `the ${command.strategy} release of ${service} ${version} did not start; no user was sent to it`,
      );
    }
  }

  /** The release has ended: the instances follow, and the exit code says which way it went. */
  private async finish(release: Release): Promise<number> {
    const unlock = await this.lock(release.service);
    try {
      await this.reconcile(release);
    } finally {
      unlock();
    }
    if (release.phase === 'promoted') {
      this.say(`${release.service}: released ${release.candidate}`);
      return 0;
    }
    this.say(
      `${release.service}: ${release.candidate} did not make it: ${endReason(release)}; ` +
        `${release.service} runs ${release.stable} again`,
    );
    return 1;
  }

  /** Makes the instances match the ended release (see planReconcile). */
  private async reconcile(release: Release): Promise<void> {
    const instances = await this.options.control.instances(release.service);
    const plan = planReconcile(instances, release);
    if (!plan) return;
    if (!plan.start && plan.stop.length === 0) {
      await this.options.control.setVersion(release.service, plan.version);
      this.say(`${release.service}: the instances already match: ${formatInstances(instances)}`);
      return;
    }
    this.say(
      `${release.service}: keeping ${plan.version}` +
        (plan.start ? `, starting ${plan.start.count} more of it` : '') +
        (plan.stop.length > 0 ? `, stopping ${plan.stop.map((i) => i.instanceId).join(', ')}` : ''),
    );
    await this.fleet.apply(release.service, plan);
  }

  private async existing(service: string): Promise<Release> {
    const release = await this.options.gateway.release(service);
    if (!release) {
      throw new ReleaseError(
        `${service} has no release; start one with npm run release -- start ${service} --strategy canary --version <version>`,
      );
    }
    return release;
  }

  private lock(service: string): Promise<() => void> {
    return acquireReleaseLock(this.options.stateDir, service, (pid) =>
      this.say(`${service}: waiting for another release command (pid ${pid}) to finish with its instances`),
    );
  }

  private say(line: string): void {
    this.options.say(line);
  }
}
