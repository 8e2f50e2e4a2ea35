import { z } from 'zod';

import { networkInterfaces } from 'node:os';

import { LOG_LEVELS } from '@platform/observability';

import { adminTokenVar } from './admin-token.var.js';
import { boolVar, hostPortListVar, intVar, nameVar } from './env-vars.js';
import { instanceWeightVar } from './instance-weight.var.js';
import { snapshotDirVar } from './snapshot-dir.var.js';
import { trustProxyVar } from './trust-proxy.var.js';

/**
 * Variables every service reads. A service's own schema extends this one
 * (`baseEnvSchema.extend({...})`) and gives PORT its default.
 */
export const baseEnvSchema = z.object({
  /** Port to listen on; 0 picks a free one (tests). */
  PORT: intVar(0, 65_535),
  /** Address to listen on. */
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  /**
   * Address other services reach this instance at, announced in the registry. `auto-ip` means this
   * machine's first non-loopback IPv4 address (containers, where each replica has its own).
   */
  ADVERTISE_HOST: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.:-]{1,253}$/, { message: 'must be a host name, an IP address or auto-ip' })
    .default('127.0.0.1')
    .transform(resolveAdvertiseHost),
  INSTANCE_ID: nameVar(128).optional(),
  SERVICE_VERSION: nameVar(64).default('0.1.0'),
  /**
   * Which group of instances this one belongs to during a release (`stable`, `canary`, `blue`,
   * `green`...), announced in the registry next to the version.
   */
  SERVICE_TRACK: nameVar(64).default('stable'),
  ZONE: nameVar(64).default('local'),
  /**
   * This instance's weight for callers that pick with weighted round robin, announced in the
   * registry as metadata `weight` (see instanceWeightVar). Unset: none announced, callers count 1.
   */
  INSTANCE_WEIGHT: instanceWeightVar().optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /**
   * Bearer token for admin endpoints; without it they answer 401 to everyone. A placeholder
   * published in the repository or its examples is refused.
   */
  ADMIN_TOKEN: adminTokenVar().optional(),
  /** Failed admin authentications one client IP may make within ADMIN_AUTH_WINDOW_MS; then 429. */
  ADMIN_AUTH_MAX_FAILURES: intVar(1, 1_000).default(10),
  /** The window failures are counted in, and how long a client is refused once it reached the limit. */
  ADMIN_AUTH_WINDOW_MS: intVar(1_000, 86_400_000).default(60_000),
  BODY_LIMIT_BYTES: intVar(1, 64 * 1024 * 1024).default(1024 * 1024),
  /**
   * A request's headers must arrive within this long of its first byte (of connecting, while a
   * connection sends nothing), or it is answered 408 and the connection closed (slowloris).
   */
  HTTP_HEADERS_TIMEOUT_MS: intVar(100, 600_000).default(10_000),
  /** A request, headers and body, must arrive within this long, or it is answered 408 and closed. */
  HTTP_REQUEST_TIMEOUT_MS: intVar(100, 3_600_000).default(30_000),
  /**
   * An idle keep-alive connection is closed after this long: longer than the 60 s idle timeout of
   * the usual load balancers, so this side never closes a connection the balancer is about to reuse.
   */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: intVar(100, 3_600_000).default(72_000),
  /**
   * Proxies whose X-Forwarded-For gives the client's address (`request.ip`, which per-client rate
   * limits use): false (default), true (any), or a comma list of IPs/CIDRs. See trustProxyVar.
   */
  TRUST_PROXY: trustProxyVar().default(false),
  /** After leaving the registry, keep serving this long so callers learn of it before we stop. */
  SHUTDOWN_DRAIN_MS: intVar(0, 60_000).default(1_000),
  /** Give up on a graceful shutdown after this long and exit with an error. */
  SHUTDOWN_TIMEOUT_MS: intVar(1_000, 300_000).default(20_000),
  /** Allow /admin/faults to make this instance slow or failing, for experiments. Never in production. */
  FAULTS_ENABLED: boolVar().default(false),
  /** Set by the platform runner: stop gracefully when that process is gone. */
  PLATFORM_PARENT_PID: intVar(1, 4_194_304).optional(),
  KAFKA_BROKERS: hostPortListVar(),
  REGISTRY_TOPIC: nameVar(200).default('platform.registry'),
  /** The compacted topic flags-service publishes flag changes on, and every service's SDK reads. */
  FLAGS_TOPIC: nameVar(200).default('platform.flags'),
  /** Replicas of the registry topic when a service creates it (3 on a three-broker cluster). */
  REGISTRY_REPLICATION_FACTOR: intVar(1, 5).default(1),
  /** An instance whose heartbeats stop for this long is dropped from every live view. */
  REGISTRY_TTL_MS: intVar(1_000, 300_000).default(10_000),
  REGISTRY_HEARTBEAT_MS: intVar(100, 100_000).default(3_000),
  /**
   * Where this instance keeps its last known flags and registry instances, so a restart while Kafka
   * is out of reach serves them (see snapshotDirVar). One directory per instance; unset: none kept.
   */
  SNAPSHOT_DIR: snapshotDirVar().optional(),
  /**
   * Callers probe each instance they use at GET /health/ready this often (0: no active probes). A
   * hung (frozen) instance refuses nothing: requests to it wait for their deadline, so this plus the
   * probe's 1 s timeout is how long new requests keep going to it (docs/chaos.md, instance-freeze).
   */
  UPSTREAM_HEALTH_CHECK_INTERVAL_MS: intVar(0, 600_000).default(1_000),
});

function resolveAdvertiseHost(value: string, context: z.RefinementCtx): string {
  if (value !== 'auto-ip') return value;
  for (const addresses of Object.values(networkInterfaces())) {
    const address = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (address) return address.address;
  }
  context.addIssue({
    code: 'custom',
    message: 'is auto-ip, but this machine has no non-loopback IPv4 address',
  });
  return z.NEVER;
}

export type BaseEnv = z.infer<typeof baseEnvSchema>;

/** Defaults that depend on the service: its port. */
export function withDefaultPort<T extends typeof baseEnvSchema>(schema: T, port: number) {
  return schema.extend({ PORT: intVar(0, 65_535).default(port) });
}
