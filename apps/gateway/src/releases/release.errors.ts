import { DEPENDENCY_ORIGIN } from '@platform/observability';
import { PlatformError } from '@platform/service-kit';

import { explainMissingVersion } from './release-coverage.js';
import type { Release } from './release.js';

export class ReleaseNotFoundError extends PlatformError {
  readonly code = 'release_not_found';
  readonly kind = 'not_found';

  constructor(service: string) {
    super(`${service} has no release; start one with PUT /admin/releases/${service} (or npm run release)`);
  }
}

export class ReleaseInProgressError extends PlatformError {
  readonly code = 'release_in_progress';
  readonly kind = 'conflict';

  constructor(release: Release) {
    super(
      `a ${release.strategy} release of ${release.service} (${release.stable} → ${release.candidate}) is in ` +
        'progress; promote or abort it first',
    );
  }
}

export class ReleaseFinishedError extends PlatformError {
  readonly code = 'release_finished';
  readonly kind = 'conflict';

  constructor(release: Release) {
    super(
      `the ${release.strategy} release of ${release.service} (${release.stable} → ${release.candidate}) ` +
        `is already ${release.phase}; start a new one instead`,
    );
  }
}

export class NoInstancesAtVersionError extends PlatformError {
  readonly code = 'no_instances_at_version';
  readonly kind = 'conflict';

  constructor(service: string, version: string, role: 'stable' | 'candidate') {
    super(
      `the gateway sees no live instance of ${service} at version ${version} (the ${role}); ` +
        'start them and wait until they are in the registry (GET /admin/registry), then try again',
    );
  }
}

/**
 * A request the release pinned to a version of which no instance is live: the registry's
 * `no_instances`, with the release that pins it and the command that fixes it.
 */
export class PinnedVersionMissingError extends PlatformError {
  readonly code = 'no_instances';
  readonly kind = 'unavailable';

  constructor(release: Release, version: string, cause: unknown) {
    super(explainMissingVersion(release, version), {
      cause,
      retryAfterSeconds: 1,
      origin: DEPENDENCY_ORIGIN,
    });
  }
}
