import { describe, expect, it } from '@jest/globals';

import { compare, supersedes } from './release-precedence.js';
import { DEFAULT_ANALYSIS, RELEASE_RECORD_VERSION, type Release } from './release.js';

const T0 = '2026-12-07T10:00:00.000Z';

function release(overrides: Partial<Release> = {}): Release {
  return {
    v: RELEASE_RECORD_VERSION,
    service: 'ids',
    strategy: 'canary',
    stable: '1.0.0',
    candidate: '2.0.0',
    phase: 'progressing',
    weight: 10,
    steps: [10, 50],
    analysis: { ...DEFAULT_ANALYSIS },
    lastAnalysis: null,
    history: [],
    revision: 4,
    startRevision: 4,
    coordinator: 'gateway-1',
    startedAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/** Whichever order records arrive in, every reader keeps the same one. */
function kept(...records: Release[]): Release {
  const orders = [records, [...records].reverse()];
  const results = orders.map((order) =>
    order.reduce<Release | undefined>((held, next) => (supersedes(next, held) ? next : held), undefined),
  );
  expect(results[0]).toEqual(results[1]);
  return results[0]!;
}

describe(supersedes.name, () => {
  it('takes a later change of the same release, and not its own echo', () => {
    const held = release();
    const raised = release({ revision: 5, weight: 50 });
    expect(supersedes(raised, held)).toBe(true);
    expect(supersedes(held, raised)).toBe(false);
    expect(supersedes({ ...raised }, raised)).toBe(false);
  });

  it('keeps an abort against later analysis steps of the release, saved by a coordinator cut off from Kafka', () => {
    const aborted = release({ revision: 5, phase: 'aborted', weight: 0 });
    const offlineSteps = [6, 7, 8].map((revision) => release({ revision, weight: 50 }));
    expect(kept(aborted, ...offlineSteps)).toBe(aborted);
  });

  it('keeps the first ending of two, and the safer one of two at the same revision', () => {
    const aborted = release({ revision: 5, phase: 'aborted', weight: 0 });
    const promotedLater = release({ revision: 7, phase: 'promoted', weight: 100 });
    expect(kept(promotedLater, aborted)).toBe(aborted);
    const promoted = release({ revision: 5, phase: 'promoted', weight: 100 });
    const rolledBack = release({ revision: 5, phase: 'rolled-back', weight: 0 });
    expect(kept(promoted, rolledBack)).toBe(rolledBack);
  });

  it('settles two different changes at the same revision the same way on every reader', () => {
    const one = release({ revision: 5, weight: 50, updatedAt: '2026-12-07T10:01:00.000Z' });
    const other = release({
      revision: 5,
      weight: 10,
      lastAnalysis: null,
      updatedAt: '2026-12-07T10:01:00.001Z',
    });
    const winner = kept(one, other);
    expect([one, other]).toContain(winner);
    expect(compare(one, other)).toBe(-compare(other, one));
  });

  it('lets a newer release replace a finished one, and no late record of the old one come back', () => {
    const oldAborted = release({ revision: 5, phase: 'aborted', weight: 0 });
    const oldLate = release({ revision: 9, weight: 50 }); // analysis of the old one, saved late
    const newer = release({ revision: 6, startRevision: 6, startedAt: '2026-12-07T10:05:00.000Z' });
    expect(kept(oldAborted, oldLate, newer)).toBe(newer);
  });

  it('keeps the first started of two releases started at the same revision on two gateways', () => {
    const first = release({ revision: 5, startRevision: 5, coordinator: 'gateway-2' });
    const second = release({
      revision: 5,
      startRevision: 5,
      coordinator: 'gateway-1',
      startedAt: '2026-12-07T10:00:00.500Z',
    });
    expect(kept(first, second)).toBe(first);
    // Its own later steps do not lift the other one over it.
    expect(kept(first, release({ ...second, revision: 8, weight: 50 }))).toBe(first);
  });

  it('orders records from before startRevision existed by revision, as before', () => {
    const { startRevision: _dropped, ...legacy } = release({ revision: 3 });
    expect(supersedes(release({ revision: 4, startRevision: undefined }), legacy)).toBe(true);
  });
});
