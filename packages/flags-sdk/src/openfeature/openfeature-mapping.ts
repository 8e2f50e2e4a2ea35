import {
  ErrorCode,
  StandardResolutionReasons,
  type EvaluationContext as OpenFeatureContext,
  type FlagMetadata,
  type JsonValue as OpenFeatureJsonValue,
  type ResolutionDetails,
  type ResolutionReason,
} from '@openfeature/server-sdk';

import type { EvaluationContext, EvaluationReason, JsonValue } from '@platform/flags';

import type { FlagEvaluation } from '../flags-client.js';

/**
 * Our context from an OpenFeature one: string, number and boolean attributes as they are (other
 * values — dates, objects, lists — cannot appear in a condition, so they are left out), and the
 * OpenFeature `targetingKey` as `userId`, the attribute rollouts bucket by and segments list, unless
 * the context names a `userId` of its own. `targetingKey` also stays available under its own name.
 */
export function toPlatformContext(context: OpenFeatureContext): EvaluationContext {
  const mapped: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(context)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      mapped[name] = value;
  }
  if (mapped.userId === undefined && context.targetingKey !== undefined) mapped.userId = context.targetingKey;
  return mapped;
}

/**
 * OpenFeature's reason for ours. A rollout (the evaluation has a bucket) is SPLIT whether a rule or the
 * default rule ran it. `missing_bucket_key` serves the flag's offVariant, its pre-configured value for
 * contexts it cannot place, hence DEFAULT (the flag metadata keeps our reason); reporting it as an
 * error would make OpenFeature serve the caller's default instead and disagree with `evaluate`.
 */
const REASONS: Record<Exclude<EvaluationReason, 'error'>, ResolutionReason> = {
  disabled: StandardResolutionReasons.DISABLED,
  rule_match: StandardResolutionReasons.TARGETING_MATCH,
  default: StandardResolutionReasons.DEFAULT,
  missing_bucket_key: StandardResolutionReasons.DEFAULT,
};

/** The OpenFeature type a resolver was asked for, with the test a served value must pass. */
export interface ExpectedType<T> {
  readonly name: 'boolean' | 'string' | 'number' | 'object';
  readonly accepts: (value: JsonValue) => value is JsonValue & T;
}

export const BOOLEAN: ExpectedType<boolean> = {
  name: 'boolean',
  accepts: (value): value is boolean => typeof value === 'boolean',
};
export const STRING: ExpectedType<string> = {
  name: 'string',
  accepts: (value): value is string => typeof value === 'string',
};
export const NUMBER: ExpectedType<number> = {
  name: 'number',
  accepts: (value): value is number => typeof value === 'number',
};
/** An object flag serves a JSON object or array; a primitive or null is a type mismatch. */
export const OBJECT: ExpectedType<OpenFeatureJsonValue> = {
  name: 'object',
  accepts: (value): value is JsonValue & OpenFeatureJsonValue => typeof value === 'object' && value !== null,
};

/**
 * OpenFeature's resolution for our evaluation. Errors carry the caller's default (OpenFeature serves
 * that whenever an `errorCode` is set): FLAG_NOT_FOUND for a flag the client does not hold, GENERAL for
 * a definition that cannot be evaluated (a missing segment), TYPE_MISMATCH for a served value of another
 * type than asked for.
 */
export function toResolution<T>(
  flagKey: string,
  evaluation: FlagEvaluation,
  defaultValue: T,
  expected: ExpectedType<T>,
  version: number | undefined,
): ResolutionDetails<T> {
  if (evaluation.reason === 'flag_not_found') {
    return error(defaultValue, ErrorCode.FLAG_NOT_FOUND, `flag '${flagKey}' is not known (yet)`);
  }
  const flagMetadata: FlagMetadata = { platformReason: evaluation.reason };
  if (version !== undefined) flagMetadata.version = version;
  if (evaluation.ruleIndex !== undefined) flagMetadata.ruleIndex = evaluation.ruleIndex;
  if (evaluation.ruleId !== undefined) flagMetadata.ruleId = evaluation.ruleId;
  if (evaluation.bucket !== undefined) flagMetadata.bucket = evaluation.bucket;
  if (evaluation.reason === 'error') {
    const message = `flag '${flagKey}' cannot be evaluated: ${evaluation.error ?? 'unknown error'}`;
    return { ...error(defaultValue, ErrorCode.GENERAL, message), flagMetadata };
  }
  if (!expected.accepts(evaluation.value)) {
    const served = `flag '${flagKey}' served variant '${evaluation.variant}'`;
    const message = `${served}, whose value is not of type ${expected.name}`;
    return { ...error(defaultValue, ErrorCode.TYPE_MISMATCH, message), flagMetadata };
  }
  return {
    value: evaluation.value,
    variant: evaluation.variant,
    reason: evaluation.bucket !== undefined ? StandardResolutionReasons.SPLIT : REASONS[evaluation.reason],
    flagMetadata,
  };
}

function error<T>(value: T, errorCode: ErrorCode, errorMessage: string): ResolutionDetails<T> {
  return { value, reason: StandardResolutionReasons.ERROR, errorCode, errorMessage };
}
