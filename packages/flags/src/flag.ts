/**
 * A feature flag's definition: plain JSON data, stored and versioned by flags-service and evaluated
 * in-process by every service. The types describe a definition that {@link validateFlag} accepted.
 */

/** Any JSON value: what a variant serves. */
export type JsonValue =
  null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A value a condition compares the context's attribute with. */
export type ConditionValue = string | number | boolean;

/**
 * What an attribute condition checks. Every operator is false when the context lacks the attribute
 * (or holds something other than a string, number or boolean there) — `notIn` and `notEquals`
 * too, so "not in the blocked list" never matches a context that says nothing about itself.
 * Comparisons are strict: the number 5 does not equal the string '5'. `matches` patterns are RE2
 * syntax, matched in time linear in the value's length (see `patterns.ts`).
 *
 * | operator                              | attribute          | values                      | true when                      |
 * | ------------------------------------- | ------------------ | --------------------------- | ------------------------------ |
 * | `in`, `notIn`                         | string/number/bool | one or more                 | it is (is not) one of them     |
 * | `equals`, `notEquals`                 | string/number/bool | exactly one                 | it is (is not) that value      |
 * | `startsWith`, `endsWith`, `contains`  | string             | one or more strings         | any of them matches            |
 * | `matches`                             | string             | one or more RE2 patterns    | any pattern finds a match      |
 * | `lt`, `lte`, `gt`, `gte`              | number             | exactly one finite number   | attribute < (≤, >, ≥) value    |
 */
export const OPERATORS = [
  'in',
  'notIn',
  'equals',
  'notEquals',
  'startsWith',
  'endsWith',
  'contains',
  'matches',
  'lt',
  'lte',
  'gt',
  'gte',
] as const;

export type Operator = (typeof OPERATORS)[number];

/** The context's `attribute` compared with `values` by `operator`. */
export interface AttributeCondition {
  readonly attribute: string;
  readonly operator: Operator;
  readonly values: readonly ConditionValue[];
}

/** The context belongs to the segment with this key (see {@link Segment}). */
export interface SegmentCondition {
  readonly segment: string;
}

/** The context does not belong to the segment with this key. */
export interface NotSegmentCondition {
  readonly notSegment: string;
}

export type Condition = AttributeCondition | SegmentCondition | NotSegmentCondition;

/** Serve one variant to everyone the rule matches. */
export interface FixedServe {
  readonly variant: string;
}

/** One variant's share of a rollout, in percent with up to two decimals (0.01% = one bucket). */
export interface RolloutShare {
  readonly variant: string;
  readonly weight: number;
}

/**
 * Split the contexts a rule matches between variants by sticky bucket (see `bucketing.ts`): the
 * variants take consecutive bucket ranges in the order listed, so raising the first variant's weight
 * only adds users to it. Weights sum to exactly 100.
 */
export interface RolloutServe {
  readonly rollout: readonly RolloutShare[];
  /** The context attribute that places a context in a bucket; {@link DEFAULT_BUCKET_BY} if absent. */
  readonly bucketBy?: string;
}

export type Serve = FixedServe | RolloutServe;

/** A rule matches when every condition holds; the first matching rule serves. */
export interface Rule {
  /** A stable name for the rule, reported with each evaluation it decides. */
  readonly id?: string;
  readonly description?: string;
  readonly conditions: readonly Condition[];
  readonly serve: Serve;
}

export interface Flag {
  /** 1-100 characters: lower-case letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
  readonly key: string;
  readonly description?: string;
  /** The kill switch: when false every evaluation serves {@link Flag.offVariant}, reason `disabled`. */
  readonly enabled: boolean;
  /** The values the flag can serve, by variant name, e.g. `{ on: true, off: false }`. */
  readonly variants: { readonly [variant: string]: JsonValue };
  /** Served when the flag is disabled, when a rollout cannot place a context, and on errors. */
  readonly offVariant: string;
  /** Serves every context no rule matches. */
  readonly defaultRule: Serve;
  /** Evaluated in order; the first rule whose conditions all hold serves. */
  readonly rules?: readonly Rule[];
}

/** The attribute a rollout buckets by unless it names another. */
export const DEFAULT_BUCKET_BY = 'userId';

export function isRolloutServe(serve: Serve): serve is RolloutServe {
  return 'rollout' in serve;
}

export function isAttributeCondition(condition: Condition): condition is AttributeCondition {
  return 'attribute' in condition;
}
