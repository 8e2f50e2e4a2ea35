import { describe, expect, it } from '@jest/globals';

import { routingOf } from './release-routing.js';
import { DEFAULT_ANALYSIS, RELEASE_RECORD_VERSION, type Release } from './release.js';

function release(change: Partial<Release> = {}): Release {
  const at = '2026-11-26T00:00:00.000Z';
  return {
    v: RELEASE_RECORD_VERSION,
    service: 'user-service',
    strategy: 'canary',
    stable: '1.0.0',
    candidate: '2.0.0',
    phase: 'progressing',
    weight: 30,
    steps: [30, 50, 100],
    analysis: DEFAULT_ANALYSIS,
    lastAnalysis: null,
    history: [],
    revision: 1,
    coordinator: 'gateway-1',
    startedAt: at,
    updatedAt: at,
    ...change,
  };
}

const USERS = Array.from({ length: 10_000 }, (_, i) => `user:${i + 1}`);

function onCandidate(of: Release): Set<string> {
  const routing = routingOf(of);
  return new Set(USERS.filter((user) => routing.choose(user)?.side === 'candidate'));
}

describe(routingOf.name, () => {
  it('sends the weight’s share of users to the canary, each user always to the same side', () => {
    const routing = routingOf(release({ weight: 30 }));
    const canary = onCandidate(release({ weight: 30 }));
    expect(canary.size / USERS.length).toBeGreaterThan(0.285);
    expect(canary.size / USERS.length).toBeLessThan(0.315);
    for (const user of USERS.slice(0, 500)) {
      const first = routing.choose(user);
      for (let i = 0; i < 5; i++) expect(routing.choose(user)).toEqual(first);
    }
    expect(routing.choose('user:1')?.version).toBe(
      routing.choose('user:1')?.side === 'stable' ? '1.0.0' : '2.0.0',
    );
  });

  it('never moves a canary user back when the weight rises, and adds only new ones', () => {
    const at30 = onCandidate(release({ weight: 30 }));
    const at50 = onCandidate(release({ weight: 50 }));
    for (const user of at30) expect(at50.has(user)).toBe(true);
    expect(at50.size).toBeGreaterThan(at30.size + 1_500);
  });

  it('exposes different users first in each release', () => {
    const first = onCandidate(release({ candidate: '2.0.0', weight: 10 }));
    const next = onCandidate(release({ stable: '2.0.0', candidate: '3.0.0', weight: 10 }));
    const both = [...first].filter((user) => next.has(user)).length;
    // Independent 10% draws share about 1% of users, not 10%.
    expect(both / USERS.length).toBeLessThan(0.02);
  });

  it('keeps a caller without any key on stable during a canary', () => {
    expect(routingOf(release({ weight: 99 })).choose(undefined)).toEqual({
      version: '1.0.0',
      side: 'stable',
    });
  });

  it('pins everyone to one version once a release ends, and blue-green to the candidate while it runs', () => {
    for (const [change, version] of [
      [{ phase: 'promoted' }, '2.0.0'],
      [{ phase: 'rolled-back', weight: 0 }, '1.0.0'],
      [{ phase: 'aborted', weight: 0 }, '1.0.0'],
      [{ strategy: 'blue-green', weight: 100 }, '2.0.0'],
      [{ strategy: 'blue-green', phase: 'aborted' }, '1.0.0'],
    ] as const) {
      const routing = routingOf(release(change));
      expect(routing.sticky).toBe(false);
      expect(new Set(USERS.slice(0, 200).map((user) => routing.choose(user)?.version))).toEqual(
        new Set([version]),
      );
    }
  });

  it('pins no version for a rolling release or none at all', () => {
    expect(routingOf(release({ strategy: 'rolling' })).choose('user:1')).toBeUndefined();
    expect(routingOf(undefined).choose('user:1')).toBeUndefined();
  });
});
