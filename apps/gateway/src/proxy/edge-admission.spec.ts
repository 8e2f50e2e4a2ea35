import { describe, expect, it } from '@jest/globals';

import { createLogger } from '@platform/observability';
import { LogCapture } from '@platform/testing';

import { LoadShedder } from '../protection/load-shedder.js';
import { RateLimiter } from '../protection/rate-limiter.js';
import { RoutePolicies } from '../routing/route-policies.js';
import { defaultRoutePolicy } from '../routing/route-policy.js';
import { RouteTable } from '../routing/route-table.js';
import { EdgeAdmission } from './edge-admission.js';
import type { RouteOutcome } from './gateway-metrics.js';

const FALLBACK = { status: 200, body: { flags: [] } };

function admission(options: { burst?: number; maxInflight?: number } = {}) {
  const logger = createLogger({ service: 'gateway', instance: 'test', destination: new LogCapture() });
  const outcomes: [string, RouteOutcome][] = [];
  const edge = new EdgeAdmission(
    new RouteTable(['ids=id-service', 'flags=flags-service', 'users=user-service'], logger),
    new RoutePolicies(
      defaultRoutePolicy(),
      { flags: { essential: false, fallback: FALLBACK }, users: { essential: false } },
      logger,
    ),
    new RateLimiter({ perSecond: 1, burst: options.burst ?? 100, now: () => 0 }),
    new LoadShedder(options.maxInflight ?? 100, 0.5),
    { outcome: (route, outcome) => outcomes.push([route, outcome]) },
  );
  return { edge, outcomes };
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe(EdgeAdmission.name, () => {
  it('admits a routed request, holding its place in the shedder until released', () => {
    const { edge } = admission();

    const decision = edge.decide('POST', '/api/ids/snowflake?count=2', '10.0.0.1');

    expect(decision).toMatchObject({
      kind: 'admitted',
      route: { segment: 'ids', upstreamPath: '/ids/snowflake?count=2' },
    });
    expect(edge.shedder.inFlight).toBe(1);
    if (decision.kind === 'admitted') decision.release();
    expect(edge.shedder.inFlight).toBe(0);
  });

  it('refuses a path that could leave its route with invalid_path, before it costs the client a token', () => {
    const { edge, outcomes } = admission({ burst: 1 });

    expect(codeOf(() => edge.decide('GET', '/api/ids/%2e%2e/metrics', '10.0.0.1'))).toBe('invalid_path');
    expect(codeOf(() => edge.decide('GET', '/api/nowhere/%252e%252e', '10.0.0.1'))).toBe('invalid_path');

    expect(edge.decide('GET', '/api/ids/snowflake', '10.0.0.1').kind).toBe('admitted');
    expect(edge.shedder.inFlight).toBe(1);
    expect(outcomes).toEqual([]);
  });

  it('answers a segment no service owns with route_not_found', () => {
    expect(codeOf(() => admission().edge.decide('GET', '/api/nowhere', '10.0.0.1'))).toBe('route_not_found');
  });

  it('refuses a client past its burst, and counts it per route', () => {
    const { edge, outcomes } = admission({ burst: 2 });
    edge.decide('GET', '/api/ids/a', '10.0.0.1');
    edge.decide('GET', '/api/ids/b', '10.0.0.1');

    expect(codeOf(() => edge.decide('GET', '/api/ids/c', '10.0.0.1'))).toBe('rate_limited');
    expect(edge.decide('GET', '/api/ids/c', '10.0.0.2').kind).toBe('admitted');
    expect(outcomes).toEqual([['ids', 'rate_limited']]);
    expect(edge.shedder.inFlight).toBe(3);
  });

  it('sheds a non-essential route to its fallback, or refuses it when it has none, and holds nothing for either', () => {
    const { edge, outcomes } = admission({ maxInflight: 2 });
    edge.decide('GET', '/api/ids/a', '10.0.0.1');

    expect(edge.decide('GET', '/api/flags/checkout', '10.0.0.1')).toMatchObject({
      kind: 'fallback',
      policy: { fallback: FALLBACK },
    });
    expect(codeOf(() => edge.decide('GET', '/api/users/7', '10.0.0.1'))).toBe('overloaded');
    expect(edge.shedder.inFlight).toBe(1);
    expect(outcomes).toEqual([
      ['flags', 'shed'],
      ['users', 'shed'],
    ]);
  });

  it('refuses even an essential route at the limit', () => {
    const { edge, outcomes } = admission({ maxInflight: 1 });
    edge.decide('GET', '/api/ids/a', '10.0.0.1');

    expect(codeOf(() => edge.decide('GET', '/api/ids/b', '10.0.0.1'))).toBe('overloaded');
    expect(outcomes).toEqual([['ids', 'overloaded']]);
  });
});
