import { z } from 'zod';

import { baseEnvSchema, intVar, nameVar, postgresUrlVar, withDefaultPort } from '@platform/service-kit';

/** A shard is named after its database: `postgres://…/users_3` is shard `users_3`. */
export function shardNameOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  } catch {
    return '';
  }
}

/** The PostgreSQL server of a shard URL (`host:port`): shard databases on one server share its connections. */
export function shardServerOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}`;
  } catch {
    return '';
  }
}

/** Where USER_CRASH_POINT can kill the process: between the steps that must survive a crash. */
export const CRASH_POINTS = [
  'after-prepare',
  'after-decision',
  'reshard-copying',
  'reshard-cutover',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

/**
 * Where USER_PAUSE_POINTS can hold a reshard until a test lets it go on (an advisory lock on the
 * catalog, see shards/pause-points.ts): to force two writers' worst interleaving, not hope for it.
 */
export const PAUSE_POINTS = ['reshard-copy-batch-read', 'reshard-copied', 'reshard-caught-up'] as const;
export type PausePoint = (typeof PAUSE_POINTS)[number];

const SHARD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export const envSchema = withDefaultPort(baseEnvSchema, 3200)
  .extend({
    /** The catalog ("index server"): the shard map, the email lookup index and resharding jobs. */
    USER_CATALOG_URL: postgresUrlVar(),
    /**
     * Every shard database this instance may use, comma-separated; each shard is named after its
     * database, so names must differ. The first `USER_INITIAL_SHARDS` hold the users when the
     * catalog has no map yet; the rest are spares that online resharding can move users to.
     */
    USER_SHARD_URLS: z
      .string()
      .trim()
      .transform((value) =>
        value
          .split(',')
          .map((url) => url.trim())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(postgresUrlVar())
          .min(1, 'must list at least one postgres:// URL')
          .max(64, 'lists more than 64 shard databases')
          .superRefine((urls, ctx) => {
            const seen = new Set<string>();
            for (const url of urls) {
              const name = shardNameOf(url);
              if (!SHARD_NAME.test(name))
                ctx.addIssue({
                  code: 'custom',
                  message: `names a database "${name}" that is not usable as a shard name (letters, digits, _)`,
                });
              else if (seen.has(name))
                ctx.addIssue({
                  code: 'custom',
                  message: `names database "${name}" twice; shard names must differ`,
                });
              seen.add(name);
            }
          }),
      ),
    /** How many of USER_SHARD_URLS hold users in the first shard map (default: all of them). */
    USER_INITIAL_SHARDS: intVar(1, 64).optional(),
    /**
     * Connections this instance may hold to one PostgreSQL server, shared evenly by the shard
     * databases of USER_SHARD_URLS on it (at least one each). A server runs one backend process
     * per connection: past a few per core they queue for the CPU and every query slows, so the
     * budget is per server, not per database.
     */
    USER_CONNECTIONS_PER_SERVER: intVar(1, 1_000).default(16),
    /** Logical shards in the first shard map; ids carry theirs, so it never changes afterwards. */
    USER_LOGICAL_SHARDS: intVar(1, 8_192).default(1_024),
    /** Where shard map changes are announced, so every router takes a new map within a second. */
    SHARD_MAP_TOPIC: nameVar(200).default('platform.user-shard-map'),
    /**
     * A call to a shard server (or the catalog) running longer than this is slow; once half of the
     * last 8 calls to a server are slow its circuit breaker opens and its users get 503s at once
     * (src/shards/shard-breaker.ts). Below the 2 s statement deadline, or no call is ever slow first;
     * well above what a healthy server's reads take on a saturated 2-core machine (250 ms opened a
     * healthy shard's breaker there, docs/sharding.md).
     */
    USER_SHARD_SLOW_CALL_MS: intVar(1, 1_999).default(1_000),
    /**
     * A reshard job is owned by the instance running it for this long, renewed while it runs; once
     * it lapses another instance takes the job over and the first one is fenced off.
     */
    USER_RESHARD_LEASE_MS: intVar(1_000, 600_000).default(10_000),
    /** A two-phase user write left prepared this long (its writer died) is settled by recovery. */
    USER_IN_DOUBT_AFTER_MS: intVar(100, 600_000).default(10_000),
    /**
     * Tests only (needs FAULTS_ENABLED): the process kills itself with SIGKILL the first time it
     * reaches this point, to prove a crash there loses nothing.
     */
    USER_CRASH_POINT: z.enum(CRASH_POINTS).optional(),
    /**
     * Tests only (needs FAULTS_ENABLED): comma-separated points where a reshard waits for the
     * advisory lock the test holds on the catalog (see shards/pause-points.ts).
     */
    USER_PAUSE_POINTS: z
      .string()
      .default('')
      .transform((value) => value.split(',').filter((point) => point !== ''))
      .pipe(z.array(z.enum(PAUSE_POINTS))),
  })
  .superRefine((env, ctx) => {
    if (env.USER_CRASH_POINT !== undefined && !env.FAULTS_ENABLED)
      ctx.addIssue({
        code: 'custom',
        path: ['USER_CRASH_POINT'],
        message: 'kills the process on purpose, so it is only accepted with FAULTS_ENABLED=true',
      });
    if (env.USER_PAUSE_POINTS.length > 0 && !env.FAULTS_ENABLED)
      ctx.addIssue({
        code: 'custom',
        path: ['USER_PAUSE_POINTS'],
        message: 'holds reshards back on purpose, so it is only accepted with FAULTS_ENABLED=true',
      });
    if (env.USER_INITIAL_SHARDS !== undefined && env.USER_INITIAL_SHARDS > env.USER_SHARD_URLS.length)
      ctx.addIssue({
        code: 'custom',
        path: ['USER_INITIAL_SHARDS'],
        message: `is ${env.USER_INITIAL_SHARDS}, but USER_SHARD_URLS lists only ${env.USER_SHARD_URLS.length} database(s)`,
      });
  });

export type UserServiceConfig = z.infer<typeof envSchema>;
