import { DEPENDENCY_ORIGIN } from '@platform/observability';
import { isDatabaseUnavailableError, isDatabaseUnreachable } from '@platform/postgres';
import { PlatformError } from '@platform/service-kit';

/**
 * This instance holds no lease it can prove right now, so it must not issue ids. When the lease
 * lapsed because the coordinator database could not be reached (hung, down), that is a dependency's
 * failure (`x-failure-origin: dependency`): every instance shares that database. When the lease was
 * lost otherwise (taken over after this instance stalled), it is this instance's own.
 */
export class WorkerLeaseLostError extends PlatformError {
  readonly code = 'worker_lease_lost';
  readonly kind = 'unavailable';

  /** @param cause why the last renewal (or acquisition) failed, if it did */
  constructor(cause?: unknown) {
    super('this instance holds no valid worker-id lease right now and will not issue ids; retry shortly', {
      cause,
      retryAfterSeconds: 1,
      origin:
        isDatabaseUnreachable(cause) || isDatabaseUnavailableError(cause) ? DEPENDENCY_ORIGIN : undefined,
    });
  }
}

/** Every worker id of the datacenter is leased by a live instance. */
export class AllWorkersTakenError extends PlatformError {
  readonly code = 'all_worker_ids_taken';
  readonly kind = 'unavailable';

  constructor(datacenterId: number, workers: number) {
    super(
      `all ${workers} worker ids of datacenter ${datacenterId} are leased by live instances; ` +
        'stop an id-service instance or start this one with another DATACENTER_ID',
    );
  }
}
