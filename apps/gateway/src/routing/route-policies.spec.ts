import { describe, expect, it } from '@jest/globals';

import { createLogger } from '@platform/observability';
import { isValidationError } from '@platform/service-kit';
import { LogCapture } from '@platform/testing';

import { mergePatch, RoutePolicies } from './route-policies.js';
import { defaultRoutePolicy } from './route-policy.js';

function policies(overrides: Record<string, unknown> = {}) {
  const logs = new LogCapture();
  const table = new RoutePolicies(
    defaultRoutePolicy(),
    overrides,
    createLogger({ service: 'gateway', instance: 'test', destination: logs }),
  );
  return { table, logs };
}

function validationProblems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (isValidationError(error)) return error.details.map((d) => `${d.field} ${d.problem}`);
    throw error;
  }
  throw new Error('expected a validation error');
}

describe(RoutePolicies.name, () => {
  it('merges a partial change into the route’s policy and keeps everything else', () => {
    const { table } = policies();
    const after = table.update(
      'ids',
      { upstream: { strategy: 'least-connections' }, breaker: { errorThresholdPercentage: 25 } },
      'test',
    );
    expect(after.upstream.strategy).toBe('least-connections');
    expect(after.upstream.timeouts).toEqual(defaultRoutePolicy().upstream.timeouts);
    expect(after.breaker.errorThresholdPercentage).toBe(25);
    expect(after.breaker.volumeThreshold).toBe(defaultRoutePolicy().breaker.volumeThreshold);
    expect(table.get('users')).toEqual(defaultRoutePolicy());
  });

  it('refuses a bad change as a whole, naming every problem, and changes nothing', () => {
    const { table } = policies();
    const before = table.get('ids');
    const problems = validationProblems(() =>
      table.update(
        'ids',
        {
          upstream: { strategy: 'fastest', timeouts: { perTryMs: 20_000, totalMs: 10_000 } },
          breaker: { errorThresholdPercentage: -5 },
          colour: 'blue',
        },
        'test',
      ),
    );
    expect(problems.join('\n')).toMatch(/upstream\.strategy must be one of: round-robin/);
    expect(problems.join('\n')).toMatch(/breaker\.errorThresholdPercentage/);
    expect(problems.join('\n')).toMatch(/colour/);
    expect(table.get('ids')).toBe(before);
  });

  it('requires a hash header for consistent hashing', () => {
    const { table } = policies();
    expect(
      validationProblems(() => table.update('users', { upstream: { strategy: 'consistent-hash' } }, 'test')),
    ).toEqual([
      'upstream.hashHeader consistent-hash needs hashHeader: the request header that carries the routing key',
    ]);
    expect(
      table.update('users', { upstream: { strategy: 'consistent-hash', hashHeader: 'x-user-id' } }, 'test')
        .upstream.hashHeader,
    ).toBe('x-user-id');
  });

  it('logs who changed what, with the policy before and after', () => {
    const { table, logs } = policies();
    table.update('ids', { essential: false }, 'admin API');
    const line = logs.lines.find((l) => String(l['msg']).includes('route policy of /api/ids changed'));
    expect(line).toMatchObject({
      segment: 'ids',
      actor: 'admin API',
      before: { essential: true },
      after: { essential: false },
    });
  });

  it('refuses bad overrides at start-up, so a misconfigured gateway does not start', () => {
    expect(() => policies({ flags: { essential: 'sometimes' } })).toThrow(
      /route policy for flags: essential must be true or false/,
    );
  });

  it('hands the client one resolved policy per change', () => {
    const { table } = policies();
    const first = table.resolved('ids');
    expect(table.resolved('ids')).toBe(first);
    table.update('ids', { upstream: { strategy: 'round-robin' } }, 'test');
    expect(table.resolved('ids')).not.toBe(first);
    expect(table.resolved('ids')).toMatchObject({
      strategy: 'round-robin',
      instanceBreaker: table.get('ids').instanceBreaker,
    });
  });
});

describe(mergePatch.name, () => {
  it('merges objects deeply and replaces everything else', () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, d: [1] }, { a: { c: 3 }, d: [2] })).toEqual({
      a: { b: 1, c: 3 },
      d: [2],
    });
  });
});
