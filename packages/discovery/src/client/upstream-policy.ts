import { z } from 'zod';

import { STRATEGIES } from '@platform/balancing';

const positiveMs = (max: number) =>
  z
    .number()
    .int('must be a whole number of ms')
    .min(1, 'must be at least 1 ms')
    .max(max, `must be at most ${max} ms`);
const percent = z.number().min(0, 'must be between 0 and 100').max(100, 'must be between 0 and 100');

/**
 * How a caller talks to one upstream service: which picker, how long to wait, when to retry, when
 * to stop sending to an instance. The gateway keeps one per route (changeable at runtime); a
 * service calling another uses the defaults.
 */
export const upstreamPolicySchema = z
  .object({
    strategy: z.enum(STRATEGIES, { error: `must be one of: ${STRATEGIES.join(', ')}` }),
    /** For consistent-hash: the request header whose value is the routing key (e.g. x-user-id). */
    hashHeader: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/, 'must be a lower-case header name')
      .optional(),
    timeouts: z
      .object({
        /** One attempt may take this long to answer (headers). */
        perTryMs: positiveMs(300_000),
        /** All attempts together. */
        totalMs: positiveMs(600_000),
      })
      .strict(),
    retries: z
      .object({
        /** Instances tried per request at most, the first included. */
        maxAttempts: z.number().int().min(1, 'must be at least 1').max(10, 'must be at most 10'),
        /** Retries may add at most this share of extra requests over the last 10 s... */
        budgetPercent: percent,
        /** ...plus this many retries per second, so a quiet service can still retry. */
        minRetriesPerSecond: z.number().min(0, 'must not be negative').max(1_000, 'must be at most 1000'),
      })
      .strict(),
    outlier: z
      .object({
        /** Eject an instance after this many failures (5xx, reset, timeout) in a row. */
        consecutiveFailures: z.number().int().min(1, 'must be at least 1').max(1_000, 'must be at most 1000'),
        /** ...or this many refused connections in a row (it is not there). */
        consecutiveConnectFailures: z
          .number()
          .int()
          .min(1, 'must be at least 1')
          .max(1_000, 'must be at most 1000'),
        /** First ejection lasts this long; each further one lasts this much longer. */
        baseEjectionMs: positiveMs(3_600_000),
        maxEjectionMs: positiveMs(3_600_000),
        /** Never eject more than this share of a service's instances. */
        maxEjectionPercent: percent,
      })
      .strict(),
    /** A new instance's share ramps up over this window (0: at once). */
    slowStartWindowMs: z.number().int().min(0, 'must not be negative').max(600_000, 'must be at most 600000'),
    /** Leave the local zone when less than this share of its instances is healthy (0..1). */
    minLocalHealthyShare: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'),
  })
  .strict()
  .refine((p) => p.timeouts.perTryMs <= p.timeouts.totalMs, {
    message: 'timeouts.perTryMs must not exceed timeouts.totalMs',
    path: ['timeouts', 'perTryMs'],
  })
  .refine((p) => p.outlier.baseEjectionMs <= p.outlier.maxEjectionMs, {
    message: 'outlier.baseEjectionMs must not exceed outlier.maxEjectionMs',
    path: ['outlier', 'baseEjectionMs'],
  })
  .refine((p) => p.strategy !== 'consistent-hash' || p.hashHeader !== undefined, {
    message: 'consistent-hash needs hashHeader: the request header that carries the routing key',
    path: ['hashHeader'],
  });

export type UpstreamPolicy = z.output<typeof upstreamPolicySchema>;

export const DEFAULT_UPSTREAM_POLICY: UpstreamPolicy = {
  strategy: 'peak-ewma',
  timeouts: { perTryMs: 5_000, totalMs: 10_000 },
  retries: { maxAttempts: 3, budgetPercent: 20, minRetriesPerSecond: 10 },
  outlier: {
    consecutiveFailures: 5,
    consecutiveConnectFailures: 1,
    baseEjectionMs: 10_000,
    maxEjectionMs: 300_000,
    maxEjectionPercent: 50,
  },
  slowStartWindowMs: 0,
  minLocalHealthyShare: 0.7,
};
