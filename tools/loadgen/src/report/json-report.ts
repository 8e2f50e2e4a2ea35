import { type LoadResult } from '../run/load-plan.js';
import { summarizeMs } from './format.js';

/** Bumped when a field changes meaning. */
export const JSON_REPORT_VERSION = 1;

/**
 * The report as plain JSON (`--json out.json`): the plan, the verdict, totals, percentiles in ms,
 * per request kind, per worker, per second, and the whole-run histograms (µs buckets, see
 * histogram.ts) so runs can be merged or re-read later.
 */
export function toJsonReport(result: LoadResult): Record<string, unknown> {
  const { plan } = result;
  return {
    loadgenReport: JSON_REPORT_VERSION,
    startedAt: result.startedAt,
    valid: result.verdict.valid,
    verdict: result.verdict,
    plan: {
      model: plan.model,
      rate: plan.rate ?? null,
      connections: plan.connections,
      workers: plan.workers,
      target: plan.target,
      warmupMs: plan.warmupMs,
      durationMs: plan.durationMs,
      timeoutMs: plan.timeoutMs,
      maxBehindMs: plan.maxBehindMs,
      limits: plan.limits,
      scenario: plan.scenario,
    },
    interrupted: result.interrupted,
    measuredMs: result.measuredMs,
    totals: {
      sent: result.sent,
      completed: result.completed,
      ok: result.ok,
      failed: result.failed,
      unsent: result.unsent,
      poolWaits: result.poolWaits,
      poolTimeouts: result.poolTimeouts,
      achievedRate: result.achievedRate,
    },
    errors: result.errors,
    latencyMs: {
      corrected: summarizeMs(result.corrected),
      service: summarizeMs(result.service),
      lateness: summarizeMs(result.lateness),
    },
    requests: result.kinds.map((kind) => ({
      name: kind.name,
      weight: kind.weight,
      sent: kind.sent,
      ok: kind.ok,
      failed: kind.failed,
      correctedMs: summarizeMs(kind.corrected),
      serviceMs: summarizeMs(kind.service),
    })),
    workers: result.workers,
    timeline: result.timeline,
    loadAverage: result.loadAverage,
    histogramsUs: {
      corrected: result.corrected.toSparse(),
      service: result.service.toSparse(),
      lateness: result.lateness.toSparse(),
    },
  };
}
