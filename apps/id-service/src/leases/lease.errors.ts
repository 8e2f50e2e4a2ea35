import { PlatformError } from '@platform/service-kit';

/** This instance holds no trustworthy worker id right now, so it must not issue ids. */
export class WorkerLeaseLostError extends PlatformError {
  readonly code = 'worker_lease_lost';
  readonly kind = 'unavailable';

  constructor() {
    super(
      'this instance holds no valid worker-id lease right now and will not issue ids; retry (another instance can)',
      {
        retryAfterSeconds: 1,
      },
    );
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
