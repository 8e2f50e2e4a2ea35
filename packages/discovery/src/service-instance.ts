import type { Endpoint } from '@platform/balancing';

import { INSTANCE_RECORD_VERSION, type InstanceRecord } from './instance-record.js';

/** Metadata key of an instance's weight for weighted round robin (INSTANCE_WEIGHT, PUT /admin/weight). */
export const WEIGHT_METADATA_KEY = 'weight';

/** A registered instance as a caller sees it: an endpoint to pick, with where to reach it. */
export interface ServiceInstance extends Endpoint {
  /** The instance id. */
  readonly id: string;
  readonly service: string;
  readonly host: string;
  readonly port: number;
  /** `http://host:port`. */
  readonly url: string;
  readonly version: string;
  /** The release group: `stable` unless the instance said otherwise. */
  readonly track: string;
  readonly zone: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** Static weight for weighted round robin: metadata `weight` (a positive number), else 1. */
  readonly weight: number;
  readonly status: 'up' | 'draining';
  readonly ttlMs: number;
  /** Unix ms of the last heartbeat. */
  readonly heartbeatAt: number;
  readonly startedAt: number;
  /**
   * Unix ms when this instance was restored from the registry snapshot at start, because Kafka could
   * not be read: not heard from since. Its liveness counts from then, not from its old heartbeat
   * (see {@link Liveness}); a record read from the topic replaces it.
   */
  readonly restoredAt?: number;
  /**
   * Unix ms when this view read the record, by its own clock. Liveness counts from the earlier of this
   * and `heartbeatAt`, so a record stamped in the future (a producer's clock ahead, or a hostile
   * writer) still expires one TTL after it arrived if nothing follows it.
   */
  readonly receivedAt?: number;
}

export function toServiceInstance(record: InstanceRecord): ServiceInstance {
  const host = record.host.includes(':') && !record.host.startsWith('[') ? `[${record.host}]` : record.host;
  return {
    id: record.instanceId,
    service: record.service,
    host: record.host,
    port: record.port,
    url: `http://${host}:${record.port}`,
    version: record.version,
    track: record.track ?? 'stable',
    zone: record.zone,
    metadata: record.metadata,
    weight: parseWeight(record.metadata[WEIGHT_METADATA_KEY]),
    status: record.status,
    ttlMs: record.ttlMs,
    heartbeatAt: record.heartbeatAt,
    startedAt: record.startedAt,
  };
}

/** The record this instance was built from, as the topic (and the registry snapshot) holds it. */
export function toInstanceRecord(instance: ServiceInstance): InstanceRecord {
  return {
    v: INSTANCE_RECORD_VERSION,
    service: instance.service,
    instanceId: instance.id,
    host: instance.host,
    port: instance.port,
    version: instance.version,
    track: instance.track,
    zone: instance.zone,
    metadata: instance.metadata,
    ttlMs: instance.ttlMs,
    status: instance.status,
    heartbeatAt: instance.heartbeatAt,
    startedAt: instance.startedAt,
  };
}

function parseWeight(value: string | undefined): number {
  const weight = value === undefined ? 1 : Number(value);
  return Number.isFinite(weight) && weight > 0 ? weight : 1;
}
