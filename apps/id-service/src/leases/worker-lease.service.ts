import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';

import { maxValue, DEFAULT_SNOWFLAKE_LAYOUT } from '@platform/ids';
import { ReadinessRegistry, ServiceContext } from '@platform/service-kit';

import { ID_SERVICE_CONFIG } from '../config/config.js';
import type { IdServiceConfig } from '../config/env.schema.js';
import { AllWorkersTakenError, WorkerLeaseLostError } from './lease.errors.js';
import { WorkerLeaseRepository } from './worker-lease.repository.js';

export interface HeldLease {
  readonly datacenterId: number;
  readonly workerId: number;
  readonly token: bigint;
  /** Wall-clock ms at or below which this holder must not issue (the previous holder's fence). */
  readonly notBeforeMs: number;
}

/** Where the lease reads the fence it records for the next holder of its worker id. */
export interface FenceSource {
  /** The clock ids are stamped with (not necessarily the system clock: see ClockControl). */
  nowMs(): number;
  /** The newest millisecond ids were issued in, 0 before the first. */
  lastIssuedMs(): number;
}

const ACQUIRE_ATTEMPTS = 20;

/**
 * Holds this instance's (datacenter, worker) pair, leased from the coordinator database so two
 * live instances never share one. The lease is renewed every third of its TTL. Fencing: the
 * instance stops issuing ids at a local deadline that always falls before the lease can expire in
 * the database (measured from before each renewal was sent, less a safety margin), so by the time
 * another instance can take the pair, this one has stopped.
 */
@Injectable()
export class WorkerLeaseService implements OnModuleInit, OnApplicationShutdown {
  private lease: HeldLease | undefined;
  /** performance.now() after which the lease may no longer be trusted. */
  private validUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private fence: FenceSource = { nowMs: () => Date.now(), lastIssuedMs: () => 0 };
  private readonly listeners: ((lease: HeldLease) => void)[] = [];
  /** Why the last renewal or acquisition failed (a hung database, say); cleared by the next success. */
  private renewalFailure: unknown;
  private readonly ttlMs: number;
  private readonly marginMs: number;

  constructor(
    @Inject(ID_SERVICE_CONFIG) private readonly config: IdServiceConfig,
    private readonly repository: WorkerLeaseRepository,
    private readonly context: ServiceContext,
    private readonly readiness: ReadinessRegistry,
  ) {
    this.ttlMs = config.WORKER_LEASE_TTL_MS;
    this.marginMs = Math.min(2_000, Math.floor(this.ttlMs / 5));
  }

  async onModuleInit(): Promise<void> {
    await this.acquire();
    this.readiness.register('worker-lease', () => {
      const lease = this.current();
      return Promise.resolve({ datacenterId: lease.datacenterId, workerId: lease.workerId });
    });
    this.timer = setInterval(() => void this.renew(), Math.floor(this.ttlMs / 3));
    this.timer.unref();
  }

  /** The lease, if it can still be trusted right now; otherwise throws {@link WorkerLeaseLostError}. */
  current(): HeldLease {
    if (!this.lease || performance.now() >= this.validUntil)
      throw new WorkerLeaseLostError(this.renewalFailure);
    return this.lease;
  }

  /** Called with each newly acquired lease (at start, and after one was lost and taken again). */
  onAcquired(listener: (lease: HeldLease) => void): void {
    this.listeners.push(listener);
    if (this.lease) listener(this.lease);
  }

  /** Where acquisitions and renewals read the fence they record for the next holder. */
  setFenceSource(source: FenceSource): void {
    this.fence = source;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    const lease = this.lease;
    if (!lease) return;
    this.lease = undefined; // nothing is issued after this point
    const fenceMs = Math.max(this.fence.lastIssuedMs(), lease.notBeforeMs);
    await this.repository
      .release(lease.datacenterId, lease.workerId, this.context.instanceId, lease.token, fenceMs)
      .then(() => this.context.logger.info({ workerId: lease.workerId }, 'released the worker-id lease'))
      .catch((error: unknown) =>
        this.context.logger.warn({ err: error }, 'could not release the worker-id lease; it will expire'),
      );
  }

  private async acquire(): Promise<void> {
    const { DATACENTER_ID: datacenterId } = this.config;
    const maxWorker = maxValue(DEFAULT_SNOWFLAKE_LAYOUT.workerBits);
    for (let attempt = 1; attempt <= ACQUIRE_ATTEMPTS; attempt++) {
      const sentAt = performance.now();
      const result = await this.repository.tryAcquire(
        datacenterId,
        maxWorker,
        this.context.instanceId,
        this.ttlMs,
        this.fenceHorizon(),
      );
      if (result === 'all_taken') throw new AllWorkersTakenError(datacenterId, maxWorker + 1);
      if (result) {
        this.lease = { datacenterId, ...result };
        this.validUntil = sentAt + this.ttlMs - this.marginMs;
        this.renewalFailure = undefined;
        this.context.logger.info(
          { datacenterId, workerId: result.workerId, token: String(result.token) },
          'leased a worker id',
        );
        for (const listener of this.listeners) listener(this.lease);
        return;
      }
      // Another instance took the id we chose: try the next free one.
    }
    throw new Error(
      `could not lease a worker id in datacenter ${datacenterId} after ${ACQUIRE_ATTEMPTS} attempts`,
    );
  }

  /**
   * The latest millisecond this holder may issue in before the lease it is about to take or renew
   * runs out: it stops issuing before then (see `validUntil`), so the next holder starts above it.
   */
  private fenceHorizon(): number {
    return Math.max(this.fence.nowMs() + this.ttlMs, this.fence.lastIssuedMs());
  }

  private renewing = false;

  private async renew(): Promise<void> {
    if (this.renewing) return;
    this.renewing = true;
    const lease = this.lease;
    try {
      if (!lease) {
        await this.acquire();
        return;
      }
      const sentAt = performance.now();
      const renewed = await this.repository.renew(
        lease.datacenterId,
        lease.workerId,
        this.context.instanceId,
        lease.token,
        this.ttlMs,
        this.fenceHorizon(),
      );
      this.renewalFailure = undefined;
      if (renewed) {
        this.validUntil = sentAt + this.ttlMs - this.marginMs;
      } else {
        this.context.logger.error(
          { workerId: lease.workerId },
          'lost the worker-id lease; issuing stops until a new one is held',
        );
        this.lease = undefined;
        await this.acquire();
      }
    } catch (error) {
      // The lease stays trusted only up to `validUntil`, which only a renewal the database confirmed
      // moves; a renewal that hung is abandoned at the pool's query timeout and retried next round.
      this.renewalFailure = error;
      this.context.logger.warn({ err: error }, 'could not renew the worker-id lease; will retry');
    } finally {
      this.renewing = false;
    }
  }
}
