import type { GatewayClient, Release } from './gateway-client.js';
import { describeChanges, nextSteps } from './release-progress.js';
import { ReleaseError } from './release.errors.js';

export interface ReleaseWatchOptions {
  readonly gateway: GatewayClient;
  readonly say: (line: string) => void;
  /** How often to look (default every second). */
  readonly pollMs?: number;
  /** How long the gateway may be unreachable before giving up (default 30 s). */
  readonly patienceMs?: number;
  /** Called after each look at a release still in progress (awaited before the next look). */
  readonly onProgress?: (release: Release) => Promise<void>;
}

/**
 * Follows a release until it ends, printing each analysis and step as the gateway takes it, and
 * resolves with the release as it ended. The release itself is the gateway's: losing sight of it
 * for a while (a gateway restart) changes nothing, and the command can be run again later.
 */
export async function watchRelease(release: Release, options: ReleaseWatchOptions): Promise<Release> {
  const { service } = release;
  const patienceMs = options.patienceMs ?? 30_000;
  const automatic = release.strategy === 'canary' && release.analysis.automatic !== false;
  options.say(
    `${service}: waiting for ${automatic ? 'the gateway to promote or roll back, or for ' : ''}` +
      `npm run release -- promote|abort ${service}; Ctrl-C leaves the release as it is`,
  );
  let previous = release;
  let unreachableSince: number | undefined;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1_000));
    let next: Release | undefined;
    try {
      next = await options.gateway.release(service);
      unreachableSince = undefined;
    } catch (error) {
      unreachableSince ??= Date.now();
      if (Date.now() - unreachableSince > patienceMs) {
        throw new ReleaseError(
          `lost sight of the gateway for ${patienceMs / 1000} s (${(error as Error).message}); the release ` +
            `stays as it was. When the gateway is back: ${nextSteps(service)}`,
        );
      }
      continue;
    }
    if (next?.startedAt !== release.startedAt) {
      throw new ReleaseError(`the release of ${service} ${release.candidate} was replaced by another one`);
    }
    for (const line of describeChanges(previous, next)) options.say(line);
    previous = next;
    if (next.phase !== 'progressing') return next;
    await options.onProgress?.(next);
  }
}
