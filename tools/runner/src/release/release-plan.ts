import { STABLE_TRACK, type InstanceView } from '../control/control-api.js';
import type { Release } from './gateway-client.js';

/**
 * What to do with a service's instances once its release has ended, so that they match where the
 * gateway now sends traffic. Plain data from plain data: the release command carries it out.
 */
export interface ReconcilePlan {
  /** Start these first, and wait until the gateway routes to them; null when none are missing. */
  readonly start: { readonly version: string; readonly track: string; readonly count: number } | null;
  /** Then drain and stop these: the version that lost. */
  readonly stop: readonly InstanceView[];
  /** The version the service's new instances get from now on. */
  readonly version: string;
}

type EndedRelease = Pick<Release, 'service' | 'strategy' | 'stable' | 'candidate' | 'phase'>;

/** The track of a canary's instances while it runs (`stable` once promoted). */
export const CANARY_TRACK = 'canary';

/**
 * After a promotion, every instance not at the candidate version goes; after an abort or a
 * rollback, every instance at the candidate version goes. Instances of the winning version are
 * started first if there would be fewer than before: as many as the losing side had for blue-green
 * and canary (their candidates came on top), as many as in all for rolling (which replaced them one
 * for one, and may have stopped halfway). Never fewer than one. A promoted canary's own instances
 * are replaced too, by as many on the `stable` track, so that no `canary` is left over to be
 * mistaken for the next release's. `undefined` while the release is still progressing: nothing is
 * decided yet.
 */
export function planReconcile(
  instances: readonly InstanceView[],
  release: EndedRelease,
): ReconcilePlan | undefined {
  if (release.phase === 'progressing') return undefined;
  const live = instances.filter((i) => i.service === release.service && i.state !== 'stopping');
  const atCandidate = (instance: InstanceView) => instance.version === release.candidate;
  const promoted = release.phase === 'promoted';
  const losers = live.filter((i) => atCandidate(i) !== promoted);
  const canaryLeftovers =
    promoted && release.strategy === 'canary'
      ? live.filter((i) => atCandidate(i) && i.track === CANARY_TRACK)
      : [];
  const keep = live.filter((i) => atCandidate(i) === promoted && !canaryLeftovers.includes(i));

  const before = release.strategy === 'rolling' ? live.length : promoted ? losers.length : keep.length;
  const wanted = live.length > 0 ? Math.max(before, canaryLeftovers.length, 1) : 0;
  const missing = Math.max(0, wanted - keep.length);
  const version = promoted ? release.candidate : release.stable;
  return {
    start: missing > 0 ? { version, track: winningTrack(release, keep), count: missing } : null,
    stop: [...losers, ...canaryLeftovers],
    version,
  };
}

/**
 * New instances of the winning side join its colour in blue-green (a promoted `green` stays
 * `green`); otherwise they are plain `stable`, which is what a promoted canary becomes.
 */
function winningTrack(release: EndedRelease, keep: readonly InstanceView[]): string {
  if (release.strategy === 'blue-green' || release.phase !== 'promoted')
    return keep[0]?.track ?? STABLE_TRACK;
  return STABLE_TRACK;
}

/** Blue-green's new side: `green` beside `stable` or `blue` instances, `blue` beside `green` ones. */
export function blueGreenTrack(current: readonly InstanceView[]): 'blue' | 'green' {
  return current.every((i) => i.track === STABLE_TRACK || i.track === 'blue') ? 'green' : 'blue';
}
