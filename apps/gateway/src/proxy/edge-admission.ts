import type { LoadShedder } from '../protection/load-shedder.js';
import { OverloadedError, RateLimitedError } from '../protection/protection.errors.js';
import type { RateLimiter } from '../protection/rate-limiter.js';
import { edgePathProblem } from '../routing/edge-path.js';
import { InvalidPathError, RouteNotFoundError } from '../routing/route.errors.js';
import type { RoutePolicies } from '../routing/route-policies.js';
import type { RoutePolicy } from '../routing/route-policy.js';
import type { ResolvedRoute, RouteTable } from '../routing/route-table.js';
import type { RouteOutcome } from './gateway-metrics.js';

/** What admission decided for a request it did not refuse. */
export type EdgeDecision =
  | {
      readonly kind: 'admitted';
      readonly route: ResolvedRoute;
      readonly policy: RoutePolicy;
      /** Gives the request's place back to the shedder; call when its response closes (once is enough). */
      readonly release: () => void;
    }
  | {
      /** Shed, and the route has a fallback to answer with instead. */
      readonly kind: 'fallback';
      readonly route: ResolvedRoute;
      readonly policy: RoutePolicy & { readonly fallback: NonNullable<RoutePolicy['fallback']> };
    };

export interface OutcomeRecorder {
  outcome(route: string, outcome: RouteOutcome): void;
}

/**
 * Everything the gateway decides about a request from its first line and headers, before its body
 * is read: a path that could leave `/api/<segment>/` (edge-path.ts), a route no service owns, a
 * client over its rate, a gateway over its capacity. The proxy asks in its `onRequest` hook, so a
 * refused request costs no body read, and what it refuses never reaches an upstream.
 */
export class EdgeAdmission {
  constructor(
    private readonly routes: RouteTable,
    private readonly policies: RoutePolicies,
    private readonly limiter: RateLimiter,
    readonly shedder: LoadShedder,
    private readonly metrics: OutcomeRecorder,
  ) {}

  /**
   * @throws InvalidPathError, RouteNotFoundError, RateLimitedError, or OverloadedError (shed with no
   * fallback, or at the limit): each a platform error the proxy answers as it is
   */
  decide(method: string, url: string, client: string): EdgeDecision {
    const problem = edgePathProblem(url);
    if (problem) throw new InvalidPathError(problem);
    const route = this.routes.resolve(url);
    if (!route) throw new RouteNotFoundError(method, url);
    const { segment } = route;
    const limit = this.limiter.take(client);
    if (!limit.allowed) {
      this.metrics.outcome(segment, 'rate_limited');
      throw new RateLimitedError(limit.retryAfterSeconds);
    }
    const policy = this.policies.get(segment);
    const { admission, done } = this.shedder.admit(policy.essential);
    if (admission === 'admit') return { kind: 'admitted', route, policy, release: done };
    this.metrics.outcome(segment, admission);
    if (admission === 'shed' && policy.fallback) {
      return { kind: 'fallback', route, policy: { ...policy, fallback: policy.fallback } };
    }
    throw new OverloadedError(segment, admission === 'shed');
  }
}
