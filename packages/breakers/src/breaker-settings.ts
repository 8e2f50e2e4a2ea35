/**
 * What a breaker is told to do: plain data, so the gateway's admin API can accept it as JSON,
 * validate it with {@link validateBreakerSettings} and answer 400 with one problem per field.
 */
export interface BreakerSettings {
  /**
   * Opens when the share of failed calls in the window is *above* this percentage (opossum's rule:
   * 50 opens at 6 failures of 10 calls, not at 5; 100 never opens). 1..100.
   */
  readonly errorThresholdPercentage: number;
  /**
   * Calls the window must hold before the breaker may open at all (by either rule), so 1 failure of
   * 1 call does not trip it.
   */
  readonly volumeThreshold: number;
  /** Length of the rolling window the error percentage is measured over, in ms. */
  readonly rollingWindowMs: number;
  /** Buckets the window is split into; the window slides one bucket at a time. Must divide `rollingWindowMs`. */
  readonly rollingBuckets: number;
  /** How long the breaker stays open before it lets probes through (half-open), in ms. */
  readonly resetTimeoutMs: number;
  /** A call slower than this is aborted through its AbortSignal and counts as a failure; 0 = no limit. */
  readonly callTimeoutMs: number;
  /**
   * Calls allowed in flight while half-open; the rest are rejected, so a recovering upstream is not
   * stampeded. A probe holds its slot until it settles: with `callTimeoutMs` 0, a probe that never
   * settles keeps the breaker half-open.
   */
  readonly halfOpenMaxProbes: number;
  /**
   * Which window the trip rules judge: 0 = the rolling time window above (opossum's, the default);
   * N ≥ 1 = the outcomes of the last N calls (a count window, like Resilience4j's COUNT_BASED). Must be
   * at least `volumeThreshold`, which still sets the calls the window must hold before either rule
   * may open the breaker.
   */
  readonly slidingWindowCalls: number;
  /**
   * A call running longer than this is a slow call, in ms; 0 = no slow-call rule. A call still running
   * past it is counted slow as soon as the breaker looks (when it admits a call or reports its state),
   * without waiting for it to finish. Must be below `callTimeoutMs` when that is set.
   */
  readonly slowCallDurationMs: number;
  /**
   * Opens when the share of slow calls in the window is *at or above* this percentage (Resilience4j's
   * rule: 100 opens when every call in the window is slow; unlike the error rule, which is opossum's
   * "above"). Only with `slowCallDurationMs` set. 1..100.
   */
  readonly slowCallRateThreshold: number;
}

export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = Object.freeze({
  errorThresholdPercentage: 50,
  volumeThreshold: 10,
  rollingWindowMs: 10_000,
  rollingBuckets: 10,
  resetTimeoutMs: 10_000,
  callTimeoutMs: 10_000,
  halfOpenMaxProbes: 1,
  slidingWindowCalls: 0,
  slowCallDurationMs: 0,
  slowCallRateThreshold: 100,
});

/** One thing wrong with one field; reads as a sentence: `${field} ${problem}`. Same shape as the service kit's. */
export interface SettingsProblem {
  readonly field: string;
  readonly problem: string;
}

export type SettingsValidation =
  | { readonly ok: true; readonly settings: BreakerSettings }
  | { readonly ok: false; readonly problems: readonly SettingsProblem[] };

/** Node's timers fire after 1 ms when asked for more than this, so longer times are refused. */
export const MAX_TIMER_MS = 2_147_483_647;

/** The largest count window: one byte per call, so at most 1 MB per breaker. */
export const MAX_WINDOW_CALLS = 1_000_000;

interface FieldRule {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
  readonly unit?: string;
}

const RULES: { readonly [K in keyof BreakerSettings]: FieldRule } = {
  errorThresholdPercentage: { min: 1, max: 100, integer: false, unit: '%' },
  volumeThreshold: { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true },
  rollingWindowMs: { min: 1, max: MAX_TIMER_MS, integer: true, unit: ' ms' },
  rollingBuckets: { min: 1, max: 1_000, integer: true },
  resetTimeoutMs: { min: 1, max: MAX_TIMER_MS, integer: true, unit: ' ms' },
  callTimeoutMs: { min: 0, max: MAX_TIMER_MS, integer: true, unit: ' ms' },
  halfOpenMaxProbes: { min: 1, max: 10_000, integer: true },
  slidingWindowCalls: { min: 0, max: MAX_WINDOW_CALLS, integer: true },
  slowCallDurationMs: { min: 0, max: MAX_TIMER_MS, integer: true, unit: ' ms' },
  slowCallRateThreshold: { min: 1, max: 100, integer: false, unit: '%' },
};

export const BREAKER_SETTING_FIELDS = Object.keys(RULES) as readonly (keyof BreakerSettings)[];

/**
 * Checks a partial update (typically a parsed JSON body) and merges it over `base`. Reports every
 * problem at once: unknown fields, wrong types, negative numbers, values out of range, a window
 * that does not split evenly into its buckets, a count window smaller than the volume threshold, and
 * a slow-call duration no call can reach before it times out.
 */
export function validateBreakerSettings(
  partial: unknown,
  base: BreakerSettings = DEFAULT_BREAKER_SETTINGS,
): SettingsValidation {
  if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) {
    return {
      ok: false,
      problems: [{ field: '', problem: `settings must be an object, got ${describe(partial)}` }],
    };
  }
  const problems: SettingsProblem[] = [];
  const merged: Record<string, number> = { ...base };
  for (const [field, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    if (!isSettingField(field)) {
      problems.push({
        field,
        problem: `is not a breaker setting (known: ${BREAKER_SETTING_FIELDS.join(', ')})`,
      });
      continue;
    }
    const problem = checkValue(value, RULES[field]);
    if (problem) problems.push({ field, problem });
    else merged[field] = value as number;
  }
  const settings = merged as unknown as BreakerSettings;
  const failed = new Set(problems.map((p) => p.field));
  const fieldsOk = (...fields: (keyof BreakerSettings)[]) => !fields.some((field) => failed.has(field));
  if (
    fieldsOk('rollingWindowMs', 'rollingBuckets') &&
    settings.rollingWindowMs % settings.rollingBuckets !== 0
  ) {
    problems.push({
      field: 'rollingWindowMs',
      problem:
        `must split evenly into rollingBuckets: ${settings.rollingWindowMs} ms in ` +
        `${settings.rollingBuckets} buckets leaves a remainder of ${settings.rollingWindowMs % settings.rollingBuckets} ms`,
    });
  }
  if (
    fieldsOk('slidingWindowCalls', 'volumeThreshold') &&
    settings.slidingWindowCalls > 0 &&
    settings.slidingWindowCalls < settings.volumeThreshold
  ) {
    problems.push({
      field: 'slidingWindowCalls',
      problem:
        `must be at least volumeThreshold (${settings.volumeThreshold}), or the window never holds enough ` +
        `calls to open the breaker; got ${settings.slidingWindowCalls} (0 = the rolling time window)`,
    });
  }
  if (
    fieldsOk('slowCallDurationMs', 'callTimeoutMs') &&
    settings.slowCallDurationMs > 0 &&
    settings.callTimeoutMs > 0 &&
    settings.slowCallDurationMs >= settings.callTimeoutMs
  ) {
    problems.push({
      field: 'slowCallDurationMs',
      problem:
        `must be below callTimeoutMs (${settings.callTimeoutMs} ms), or no call is ever slow: each times out ` +
        `first; got ${settings.slowCallDurationMs} ms`,
    });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, settings: Object.freeze(settings) };
}

function isSettingField(field: string): field is keyof BreakerSettings {
  return Object.hasOwn(RULES, field);
}

function checkValue(value: unknown, rule: FieldRule): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return `must be a finite number, got ${describe(value)}`;
  }
  if (rule.integer && !Number.isInteger(value)) return `must be a whole number, got ${value}`;
  const unit = rule.unit ?? '';
  if (value < 0 && rule.min >= 0) return `must not be negative, got ${value}${unit}`;
  if (value < rule.min || value > rule.max) {
    return rule.max === Number.MAX_SAFE_INTEGER
      ? `must be at least ${rule.min}${unit}, got ${value}${unit}`
      : `must be between ${rule.min}${unit} and ${rule.max}${unit}, got ${value}${unit}`;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
