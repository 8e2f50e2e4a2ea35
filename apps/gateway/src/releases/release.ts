import { z } from 'zod';

/**
 * A release of one service: which of its versions gets which requests. The gateway keeps one per
 * service, on the compacted topic `platform.releases` (keyed by service), so every gateway applies
 * the same one and it survives restarts.
 *
 * - `rolling`: the runner replaces instances one at a time; the gateway sends requests to every
 *   instance that is up (a draining one gets nothing new), whatever its version.
 * - `blue-green`: every request goes to the candidate from the start; abort sends every request back
 *   to the stable version at once.
 * - `canary`: `weight` % of users (sticky per user) go to the candidate; the analysis raises the
 *   weight step by step, or rolls back.
 * Once finished (promoted, rolled back or aborted) a release keeps pinning the winning version, so
 * instances of the loser get nothing while they are being stopped.
 */
export const RELEASE_STRATEGIES = ['rolling', 'blue-green', 'canary'] as const;
export type ReleaseStrategy = (typeof RELEASE_STRATEGIES)[number];

export const RELEASE_PHASES = ['progressing', 'promoted', 'rolled-back', 'aborted'] as const;
export type ReleasePhase = (typeof RELEASE_PHASES)[number];

export const RELEASE_RECORD_VERSION = 1;

const version = z
  .string({ error: 'must be a version string' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be 1-64 letters, digits, . _ : -');

const percent = z
  .number({ error: 'must be a number from 1 to 100' })
  .min(1, 'must be a number from 1 to 100')
  .max(100, 'must be a number from 1 to 100');

/** How the gateway judges a canary, every `intervalMs`, from the requests of that window. */
export const analysisSettingsSchema = z
  .object({
    /** Judge (and take the next step) this often. */
    intervalMs: z
      .number({ error: 'must be a whole number of milliseconds from 200 to 3,600,000' })
      .int('must be a whole number of milliseconds from 200 to 3,600,000')
      .min(200, 'must be a whole number of milliseconds from 200 to 3,600,000')
      .max(3_600_000, 'must be a whole number of milliseconds from 200 to 3,600,000'),
    /** A window with fewer candidate (or stable) requests than this is not judged: the step waits. */
    minRequests: z
      .number({ error: 'must be a whole number from 1 to 1,000,000' })
      .int('must be a whole number from 1 to 1,000,000')
      .min(1, 'must be a whole number from 1 to 1,000,000')
      .max(1_000_000, 'must be a whole number from 1 to 1,000,000'),
    /** Roll back when the candidate's error rate exceeds the stable one's by more than this (0-1). */
    maxErrorRateIncrease: z
      .number({ error: 'must be a fraction from 0 to 1' })
      .min(0, 'must be a fraction from 0 to 1')
      .max(1, 'must be a fraction from 0 to 1'),
    /** Roll back when the candidate's p95 latency exceeds the stable one's by this factor... */
    maxLatencyRatio: z
      .number({ error: 'must be a number from 1 to 100' })
      .min(1, 'must be a number from 1 to 100')
      .max(100, 'must be a number from 1 to 100'),
    /** ...and by at least this many ms (1 ms vs 2 ms is noise, not a regression). */
    latencyToleranceMs: z
      .number({ error: 'must be a number of milliseconds from 0 to 60,000' })
      .min(0, 'must be a number of milliseconds from 0 to 60,000')
      .max(60_000, 'must be a number of milliseconds from 0 to 60,000'),
    /** false: the analysis reports, and only the admin API promotes or aborts. */
    automatic: z.boolean({ error: 'must be true or false' }),
  })
  .strict();

export type AnalysisSettings = z.output<typeof analysisSettingsSchema>;

export const DEFAULT_ANALYSIS: AnalysisSettings = {
  intervalMs: 10_000,
  minRequests: 20,
  maxErrorRateIncrease: 0.02,
  maxLatencyRatio: 1.5,
  latencyToleranceMs: 20,
  automatic: true,
};

export const DEFAULT_CANARY_STEPS: readonly number[] = [10, 25, 50, 100];

/** `PUT /admin/releases/{service}`: what a user asks for. */
export const releaseRequestSchema = z
  .object({
    strategy: z.enum(RELEASE_STRATEGIES, { error: `must be one of: ${RELEASE_STRATEGIES.join(', ')}` }),
    /** The version serving now. */
    stable: version,
    /** The version being released. */
    candidate: version,
    /** Canary weights in %, rising, the last one 100. */
    steps: z
      .array(percent, { error: 'must be a list of percentages' })
      .min(1, 'must list at least one step')
      .max(20, 'must list at most 20 steps')
      .refine((steps) => steps.every((step, i) => i === 0 || step > steps[i - 1]!), 'must rise step by step')
      .refine((steps) => steps.at(-1) === 100, 'must end at 100')
      .optional(),
    analysis: analysisSettingsSchema.partial().optional(),
  })
  .strict()
  .refine((request) => request.stable !== request.candidate, {
    path: ['candidate'],
    message: 'must differ from stable',
  })
  .refine((request) => request.strategy === 'canary' || request.steps === undefined, {
    path: ['steps'],
    message: 'only a canary release takes steps',
  });

export type ReleaseRequest = z.output<typeof releaseRequestSchema>;
/** The body a client sends (defaults not filled in yet). */
export type ReleaseRequestBody = z.input<typeof releaseRequestSchema>;

const requestStatsSchema = z
  .object({
    requests: z.number().int().min(0),
    errors: z.number().int().min(0),
    errorRate: z.number().min(0).max(1),
    p95Ms: z.number().min(0).nullable(),
  })
  .strict();

export type RequestStats = z.output<typeof requestStatsSchema>;

export const VERDICTS = ['promote', 'rollback', 'wait'] as const;
export type Verdict = (typeof VERDICTS)[number];

const analysisResultSchema = z
  .object({
    at: z.string(),
    stable: requestStatsSchema,
    candidate: requestStatsSchema,
    verdict: z.enum(VERDICTS),
    reason: z.string().max(500),
    /** The candidate was too slow in this window (a second such window rolls it back). */
    slow: z.boolean().optional(),
  })
  .strict();

export type AnalysisResult = z.output<typeof analysisResultSchema>;

const historyEntrySchema = z
  .object({
    at: z.string(),
    phase: z.enum(RELEASE_PHASES),
    weight: z.number().min(0).max(100),
    reason: z.string().max(500),
  })
  .strict();

export type HistoryEntry = z.output<typeof historyEntrySchema>;

/** The most history a release keeps (each step and the end of a canary are one entry each). */
export const MAX_HISTORY = 50;

/** A release as stored on the topic and shown by the admin API. */
export const releaseSchema = z
  .object({
    v: z.literal(RELEASE_RECORD_VERSION),
    service: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/),
    strategy: z.enum(RELEASE_STRATEGIES),
    stable: version,
    candidate: version,
    phase: z.enum(RELEASE_PHASES),
    /** Percentage of users the candidate serves now (rolling: 0, it does not pin versions). */
    weight: z.number().min(0).max(100),
    steps: z.array(percent).max(20),
    analysis: analysisSettingsSchema,
    lastAnalysis: analysisResultSchema.nullable(),
    history: z.array(historyEntrySchema).max(MAX_HISTORY),
    /** Grows with every change; which record a gateway keeps: see release-precedence.ts. */
    revision: z.number().int().min(1),
    /** The revision the release was started at: a newer release has a higher one (absent before it existed). */
    startRevision: z.number().int().min(1).optional(),
    /** The gateway instance that runs the analysis (the one the release was started on). */
    coordinator: z.string().min(1).max(128),
    startedAt: z.string(),
    updatedAt: z.string(),
  })
  .strict();

export type Release = z.output<typeof releaseSchema>;

/** True while the release may still change its routing by itself or be promoted or aborted. */
export function isInProgress(release: Release): boolean {
  return release.phase === 'progressing';
}

export {
  describeRelease,
  explainMissingVersion,
  fixForMissingVersion,
  pinnedVersions,
  type PinnedVersion,
} from './release-coverage.js';
