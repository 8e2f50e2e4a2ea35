import type { Release } from './release.js';

/**
 * Which versions a release needs instances of, and what to do when one has none. A release pins
 * requests to versions; the instances are started and stopped elsewhere (the runner, or whatever
 * deploys the services). When the two disagree — say a platform restarted its services at the old
 * version while the gateway read back a promoted release — the pinned requests find no instance.
 * The gateway's answer and `npm run status` both explain it with these functions.
 */

/** A version the release routes requests to now. */
export interface PinnedVersion {
  readonly version: string;
  readonly side: 'stable' | 'candidate';
  /** Who is sent there, in words: `every request`, `10% of users`. */
  readonly share: string;
}

/** The versions requests go to now; none for a rolling release (any instance that is up serves). */
export function pinnedVersions(release: Release): PinnedVersion[] {
  if (release.strategy === 'rolling') return [];
  const stable: PinnedVersion = { version: release.stable, side: 'stable', share: 'every request' };
  const candidate: PinnedVersion = { version: release.candidate, side: 'candidate', share: 'every request' };
  if (release.phase === 'promoted') return [candidate];
  if (release.phase !== 'progressing') return [stable];
  if (release.strategy === 'blue-green') return [candidate];
  return [
    { ...stable, share: `${100 - release.weight}% of users` },
    { ...candidate, share: `${release.weight}% of users` },
  ];
}

/** The release in a few words: `promoted canary release 0.1.0 → 0.2.0`. */
export function describeRelease(release: Release): string {
  return `${release.phase} ${release.strategy} release ${release.stable} → ${release.candidate}`;
}

/**
 * The one command that makes `version` unnecessary or present again. A release in progress can be
 * ended towards the side that has instances; an ended one pins its winner for good, so the service
 * is released at that version again (a rolling release routes to every instance while it replaces them).
 */
export function fixForMissingVersion(release: Release, version: string): string {
  const { service } = release;
  if (release.phase === 'progressing') {
    return version === release.candidate
      ? `npm run release -- abort ${service}`
      : `npm run release -- promote ${service}`;
  }
  return `npm run release -- start ${service} --strategy rolling --version ${version}`;
}

/** Why a request pinned to `version` found no instance, and the fix, as one sentence. */
export function explainMissingVersion(release: Release, version: string): string {
  const pinned = pinnedVersions(release).find((entry) => entry.version === version);
  const advice =
    release.phase === 'progressing'
      ? 'end the release towards the version that runs'
      : `run ${release.service} at ${version} again`;
  return (
    `no live instance of ${release.service} at version ${version} is in the registry, and its ` +
    `${describeRelease(release)} sends ${pinned?.share ?? 'requests'} there; ${advice}: ` +
    `${fixForMissingVersion(release, version)} (npm run status shows what runs)`
  );
}
