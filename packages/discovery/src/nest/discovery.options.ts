import { snapshotFileOf, type BaseEnv } from '@platform/service-kit';

import type { ServiceClientOptions } from '../client/service-client.js';

export interface DiscoveryModuleOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  /** Replicas of the topic if this service is the one that creates it. */
  readonly replicationFactor: number;
  readonly ttlMs: number;
  readonly heartbeatIntervalMs: number;
  /** Put this instance in the registry (every service that takes requests). */
  readonly announce: boolean;
  /** Keep a live view and offer a {@link ServiceClient} (the gateway, services that call others). */
  readonly watch: boolean;
  /** After leaving the registry, keep serving this long so callers stop routing here first. */
  readonly drainMs: number;
  /**
   * First path segments this service answers under (`ids` for `/ids/...`). Announced in the
   * registry as metadata `routes`, so the gateway routes `/api/ids/...` here with no config edit.
   */
  readonly routes?: readonly string[];
  /**
   * Every request to this service may be sent again after a failure without harm (issuing ids:
   * an id that was issued but never seen is simply unused). Announced as metadata `retry-safe`,
   * so the gateway retries such requests on another instance even for POST.
   */
  readonly retrySafe?: boolean;
  /**
   * Whether Kafka being unreachable makes this instance not ready (default false: a service serving
   * from what it knows — its registry view, its flags — stays ready, reported as degraded). Say true
   * only for a service that can do nothing without Kafka.
   */
  readonly kafkaCritical?: boolean;
  /**
   * Where the registry view's last known instances are kept (with `watch`), to route on when a
   * restart finds Kafka out of reach. From SNAPSHOT_DIR (`registry.json` there); unset: not kept.
   */
  readonly snapshotFile?: string;
  /**
   * This instance's weight for callers that pick with weighted round robin, announced as metadata
   * `weight` (from INSTANCE_WEIGHT; unset: not announced, callers count 1). `PUT /admin/weight`
   * changes it while the instance runs.
   */
  readonly weight?: number;
  /** Settings of the {@link ServiceClient} (with `watch`). */
  readonly client?: Pick<
    ServiceClientOptions,
    'defaultPolicy' | 'connectTimeoutMs' | 'healthCheckIntervalMs'
  >;
}

/** Metadata key under which an instance lists the path segments it serves. */
export const ROUTES_METADATA_KEY = 'routes';
/** Metadata key an instance sets to `true` when all its requests are safe to retry. */
export const RETRY_SAFE_METADATA_KEY = 'retry-safe';

export const DISCOVERY_OPTIONS = Symbol('DISCOVERY_OPTIONS');
export const DISCOVERY_KAFKA = Symbol('DISCOVERY_KAFKA');

/**
 * Options from the service's validated environment (KAFKA_BROKERS, REGISTRY_*, SHUTDOWN_DRAIN_MS,
 * SNAPSHOT_DIR, INSTANCE_WEIGHT).
 */
export function discoveryOptionsFrom(
  config: BaseEnv,
  roles: Pick<
    DiscoveryModuleOptions,
    'announce' | 'watch' | 'routes' | 'retrySafe' | 'kafkaCritical' | 'client'
  >,
): DiscoveryModuleOptions {
  if (config.REGISTRY_HEARTBEAT_MS * 2 > config.REGISTRY_TTL_MS) {
    throw new Error(
      `REGISTRY_HEARTBEAT_MS (${config.REGISTRY_HEARTBEAT_MS}) must be at most half of REGISTRY_TTL_MS ` +
        `(${config.REGISTRY_TTL_MS}), or one late heartbeat would drop a healthy instance`,
    );
  }
  return {
    brokers: config.KAFKA_BROKERS,
    topic: config.REGISTRY_TOPIC,
    replicationFactor: config.REGISTRY_REPLICATION_FACTOR,
    ttlMs: config.REGISTRY_TTL_MS,
    heartbeatIntervalMs: config.REGISTRY_HEARTBEAT_MS,
    drainMs: config.SHUTDOWN_DRAIN_MS,
    snapshotFile: snapshotFileOf(config, 'registry.json'),
    ...(config.INSTANCE_WEIGHT === undefined ? {} : { weight: config.INSTANCE_WEIGHT }),
    ...roles,
    client: { healthCheckIntervalMs: config.UPSTREAM_HEALTH_CHECK_INTERVAL_MS, ...roles.client },
  };
}
