import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

import { ServiceContext } from '@platform/service-kit';

import { ReleaseStore } from './release-store.js';
import { Releases } from './releases.js';

/** How long start-up waits for the releases on the topic before listening without them (Kafka down). */
const CATCH_UP_TIMEOUT_MS = 5_000;

/**
 * Reads the releases before the gateway takes its first request, so a restart in the middle of a
 * canary keeps every user on their side; stops the analysis and the Kafka clients on shutdown.
 */
@Injectable()
export class ReleasesLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly store: ReleaseStore,
    private readonly releases: Releases,
    private readonly context: ServiceContext,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const caughtUp = await this.store.start(CATCH_UP_TIMEOUT_MS);
    if (caughtUp) this.context.logger.info({ releases: this.store.all().length }, 'releases loaded');
    else
      this.context.logger.warn(
        `releases not loaded after ${CATCH_UP_TIMEOUT_MS} ms (Kafka unreachable?); routing to every ` +
          'version until they are',
      );
  }

  async onApplicationShutdown(): Promise<void> {
    this.releases.close();
    await this.store.stop();
  }
}
