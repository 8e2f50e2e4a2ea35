import { BUCKETS, bucketerFor } from '@platform/flags';

import type { Release } from './release.js';

/** Which version a request goes to, and as which side of the release. */
export interface VersionChoice {
  readonly version: string;
  readonly side: 'stable' | 'candidate';
}

/** A release compiled for the hot path: one call per request, no allocation. */
export interface ReleaseRouting {
  /** Whether the choice depends on who is asking (a canary in progress): then a sticky key is needed. */
  readonly sticky: boolean;
  /** The version for the caller with this sticky key; undefined: any instance (no version is pinned). */
  choose(stickyKey: string | undefined): VersionChoice | undefined;
}

const ANY: ReleaseRouting = { sticky: false, choose: () => undefined };

/**
 * The routing a release implies. A canary in progress sends a user to the candidate when
 *
 *     bucket = fmix32(FNV-1a-32(`${service}@${candidate}:${stickyKey}`)) mod 10,000  <  weight × 100
 *
 * — the same sticky buckets as flag rollouts. So the same user lands on the same version while the
 * weight holds, raising the weight only adds users (nobody on the candidate goes back), and each
 * release (each candidate) exposes a different set of users first. A caller with no key at all
 * (the gateway gives anonymous clients a cookie, so only a client refusing cookies) stays on stable.
 */
export function routingOf(release: Release | undefined): ReleaseRouting {
  if (!release || release.strategy === 'rolling') return ANY;
  const stable: VersionChoice = { version: release.stable, side: 'stable' };
  const candidate: VersionChoice = { version: release.candidate, side: 'candidate' };
  switch (release.phase) {
    case 'promoted':
      return { sticky: false, choose: () => candidate };
    case 'rolled-back':
    case 'aborted':
      return { sticky: false, choose: () => stable };
    case 'progressing':
      break;
  }
  if (release.strategy === 'blue-green') return { sticky: false, choose: () => candidate };
  const threshold = Math.round(release.weight * (BUCKETS / 100));
  const bucketOf = bucketerFor(`${release.service}@${release.candidate}`);
  return {
    sticky: true,
    choose: (stickyKey) => (stickyKey !== undefined && bucketOf(stickyKey) < threshold ? candidate : stable),
  };
}
