import type { ResolvedPolicy } from '@platform/discovery';
import type { Logger } from '@platform/observability';
import { ValidationError, type FieldProblem } from '@platform/service-kit';

import { routePolicySchema, type RoutePolicy } from './route-policy.js';

/** Deep-merges plain objects; anything else (arrays, values) replaces. */
export function mergePatch(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch;
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) result[key] = mergePatch(base[key], value);
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates a whole policy; throws a ValidationError naming every bad field. */
export function parseRoutePolicy(candidate: unknown, where: string): RoutePolicy {
  const result = routePolicySchema.safeParse(candidate);
  if (result.success) return result.data;
  const problems: FieldProblem[] = result.error.issues.map((issue) => ({
    field: issue.path.map(String).join('.'),
    problem: issue.message,
  }));
  throw new ValidationError(problems, where);
}

/**
 * The policy of every route: the defaults, the configured overrides, and changes made at runtime
 * through the admin API (kept in memory; a restart returns to the configuration).
 */
export class RoutePolicies {
  private readonly policies = new Map<string, RoutePolicy>();
  /** The client's view of each policy (upstream settings plus instance breakers), made once per change. */
  private readonly resolvedPolicies = new Map<RoutePolicy, ResolvedPolicy>();
  private readonly listeners: ((segment: string, policy: RoutePolicy) => void)[] = [];

  constructor(
    private readonly base: RoutePolicy,
    overrides: Readonly<Record<string, unknown>>,
    private readonly logger: Logger,
  ) {
    for (const [segment, override] of Object.entries(overrides)) {
      this.policies.set(segment, parseRoutePolicy(mergePatch(base, override), `route policy for ${segment}`));
    }
  }

  get(segment: string): RoutePolicy {
    return this.policies.get(segment) ?? this.base;
  }

  /** The route's policy as the service client takes it. */
  resolved(segment: string): ResolvedPolicy {
    const policy = this.get(segment);
    let resolved = this.resolvedPolicies.get(policy);
    if (!resolved) {
      resolved = { ...policy.upstream, instanceBreaker: policy.instanceBreaker };
      this.resolvedPolicies.set(policy, resolved);
    }
    return resolved;
  }

  entries(): [string, RoutePolicy][] {
    return [...this.policies.entries()];
  }

  /** Applies a partial change to a route's policy, all or nothing. Returns the new policy. */
  update(segment: string, patch: unknown, actor: string): RoutePolicy {
    if (!isPlainObject(patch)) {
      throw new ValidationError(
        [{ field: '', problem: 'the body must be a JSON object (a partial route policy)' }],
        'route policy',
      );
    }
    const before = this.get(segment);
    const after = parseRoutePolicy(mergePatch(before, patch), 'route policy');
    this.policies.set(segment, after);
    this.resolvedPolicies.delete(before);
    this.logger.info(
      { segment, actor, change: patch, before, after },
      `route policy of /api/${segment} changed`,
    );
    for (const listener of this.listeners) listener(segment, after);
    return after;
  }

  onChange(listener: (segment: string, policy: RoutePolicy) => void): void {
    this.listeners.push(listener);
  }
}
