import {
  describeRelease,
  fixForMissingVersion,
  pinnedVersions,
  type Release,
} from '@platform/gateway/releases';

/**
 * A version the gateway's release routes requests to while no running instance has it: those
 * requests fail with `no_instances` until it is fixed. `npm run status` lists every one, with the
 * command that fixes it.
 */
export interface ReleaseMismatch {
  readonly service: string;
  /** The version requests are pinned to. */
  readonly version: string;
  /** Who is sent there: `every request`, `10% of users`. */
  readonly share: string;
  /** `promoted canary release 0.1.0 → 0.2.0`. */
  readonly release: string;
  /** What runs instead: `0.1.0 ×2`, or `nothing`. */
  readonly running: string;
  readonly fix: string;
}

/** The running instances the check looks at (those whose process is alive). */
export interface RunningInstance {
  readonly service: string;
  readonly version: string;
}

export function releaseMismatches(
  releases: readonly Release[],
  instances: readonly RunningInstance[],
): ReleaseMismatch[] {
  const mismatches: ReleaseMismatch[] = [];
  for (const release of releases) {
    const mine = instances.filter((instance) => instance.service === release.service);
    for (const pinned of pinnedVersions(release)) {
      if (mine.some((instance) => instance.version === pinned.version)) continue;
      mismatches.push({
        service: release.service,
        version: pinned.version,
        share: pinned.share,
        release: describeRelease(release),
        running: countVersions(mine),
        fix: fixForMissingVersion(release, pinned.version),
      });
    }
  }
  return mismatches;
}

/** `id-service: the gateway's promoted canary release 0.1.0 → 0.2.0 sends every request to 0.2.0, …`. */
export function formatMismatch(mismatch: ReleaseMismatch): string {
  return (
    `${mismatch.service}: the gateway's ${mismatch.release} sends ${mismatch.share} to ${mismatch.version}, ` +
    `but no instance runs it (running: ${mismatch.running}); those requests fail. Fix: ${mismatch.fix}`
  );
}

function countVersions(instances: readonly RunningInstance[]): string {
  if (instances.length === 0) return 'nothing';
  const counts = new Map<string, number>();
  for (const { version } of instances) counts.set(version, (counts.get(version) ?? 0) + 1);
  return [...counts].map(([version, count]) => `${version} ×${count}`).join(', ');
}
